// promtool unit tests generated for every SLO: each burn-rate alert fires when errors arrive a
// little faster than its factor allows and stays silent a little below it; two requests never
// page (minimum-traffic guard); no data is its own alert. Validate and the unit suite run them with
// the real promtool, so the rules obsctl writes are proven for the numbers the user chose.
import type { Config } from '../config/schema.js';
import { appMetrics } from '../metrics/names.js';
import { formatNumber } from '../render/thresholds.js';
import { exampleLabels, parseSelector } from './selector.js';
import { describeEvents, describeSli, sliKind, type SliKind } from './sli.js';
import { BURN_ALERT, burnAlertAnnotations, NO_DATA_ALERT, noDataAnnotations, type SloPlan } from './rules.js';
import { promDuration } from './windows.js';

/** Events per sample step in the synthetic series. */
const EVENTS_PER_STEP = 600;
/** How far past the long window plus `for:` the alerts are checked. */
const MARGIN_S = 600;

type InputSeries = { series: string; values: string };

const labelText = (metric: string, labels: Record<string, string>) =>
  `${metric}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;

/** A phase of constant error ratio. */
export interface Phase {
  ratio: number;
  steps: number;
}

/** A counter growing by perStep(phase) per step through the phases: `0+ax3 3a+bx1` etc. */
function counter(phases: Phase[], perStep: (p: Phase) => number): string {
  let value = 0;
  return phases
    .map((p, i) => {
      const inc = perStep(p);
      const start = i === 0 ? 0 : value + inc;
      const n = i === 0 ? p.steps : p.steps - 1;
      value = start + inc * n;
      return `${formatNumber(start)}+${formatNumber(inc)}x${n}`;
    })
    .join(' ');
}

/** Series with the given error ratios and `perStep` events per step, or undefined if none can be made. */
export function syntheticSeries(sli: SliKind, phases: Phase[], perStep: number): InputSeries[] | undefined {
  const bad = (p: Phase) => perStep * p.ratio;
  const good = (p: Phase) => perStep - perStep * p.ratio;
  const all = () => perStep;
  switch (sli.kind) {
    case 'availability': {
      const base = { job: sli.job, method: 'GET', route: '/v1/x' };
      return [
        { series: labelText(appMetrics.requestsTotal.name, { ...base, status: '500' }), values: counter(phases, bad) },
        { series: labelText(appMetrics.requestsTotal.name, { ...base, status: '200' }), values: counter(phases, good) },
      ];
    }
    case 'latency': {
      const m = appMetrics.requestDuration.name;
      return [
        { series: labelText(`${m}_bucket`, { job: sli.job, le: formatNumber(sli.thresholdS) }), values: counter(phases, good) },
        { series: labelText(`${m}_bucket`, { job: sli.job, le: '+Inf' }), values: counter(phases, all) },
        { series: labelText(`${m}_count`, { job: sli.job }), values: counter(phases, all) },
      ];
    }
    case 'probe':
      // probe_success is 0 or 1 per probe; its average over a window is what the SLI reads.
      return [{ series: labelText('probe_success', { job: sli.job }), values: phases.map((p, i) => `${formatNumber(1 - p.ratio)}+0x${i === 0 ? p.steps : p.steps - 1}`).join(' ') }];
    case 'custom': {
      const errors = parseSelector(sli.errors);
      const total = parseSelector(sli.total);
      if (!errors || !total || errors.metric !== total.metric) return undefined;
      const badLabels = exampleLabels([errors, total]);
      const goodLabels = exampleLabels([total], errors);
      if (!badLabels || !goodLabels) return undefined;
      return [
        { series: labelText(errors.metric, badLabels), values: counter(phases, bad) },
        { series: labelText(total.metric, goodLabels), values: counter(phases, good) },
      ];
    }
  }
}

/**
 * Which burn alerts fire at `atS`, worked out from the workbook's definition rather than by
 * Prometheus: each window's error ratio is bad/all events between its first and last sample (what
 * rate() of two counters divides to), both windows over the threshold with enough events, held
 * for the alert's `for:` at evaluations every step.
 */
export function expectedBurnAlerts(plan: SloPlan, phases: Phase[], perStep: number, step: number, atS: number): SloPlan['alerts'] {
  const ratios = phases.flatMap((p) => Array.from({ length: p.steps }, () => p.ratio));
  const over = (t: number, w: number) => {
    const last = Math.floor(t / step);
    const first = Math.max(0, Math.floor((t - w) / step) + 1);
    if (last - first < 1) return undefined;
    const slice = ratios.slice(first, last);
    return { ratio: slice.reduce((a, b) => a + b, 0) / slice.length, events: perStep * slice.length };
  };
  return plan.alerts.filter((a) => {
    let since: number | undefined;
    for (let t = 0; t <= atS; t += step) {
      const long = over(t, a.longS);
      const short = over(t, a.shortS);
      const on = long !== undefined && short !== undefined && long.ratio > a.threshold && short.ratio > a.threshold && long.events >= plan.slo.min_requests;
      since = on ? (since ?? t) : undefined;
    }
    return since !== undefined && atS - since >= a.forS;
  });
}

/** Sample step: at least five samples in the shortest window, so every rate() has data. */
export function testStepS(plan: SloPlan): number {
  const shortest = Math.min(...plan.alerts.map((a) => a.shortS));
  return Math.max(1, Math.min(60, Math.floor(shortest / 5)));
}

export function sloTestFile(plan: SloPlan, config: Pick<Config, 'exporters'>, ruleFile: string): Record<string, unknown> {
  const sli = sliKind(plan.slo, config);
  const sliText = describeSli(sli);
  const step = testStepS(plan);
  const interval = promDuration(step);
  const perStep = sli.kind === 'probe' ? 1 : EVENTS_PER_STEP;
  const expected = (phases: Phase[], atS: number) =>
    expectedBurnAlerts(plan, phases, perStep, step, atS).map((a) => ({
      exp_labels: { slo: plan.slo.name, window: a.window, severity: a.severity, action: a.action, pack: 'slo' },
      exp_annotations: burnAlertAnnotations(plan, a, sliText),
    }));
  // promtool checks alerts at evaluation times: keep every eval_time on the step grid.
  const align = (s: number) => Math.ceil(s / step) * step;
  // A constant error ratio makes both windows of an alert read that ratio as soon as they hold two
  // samples each (rate() over the data there is), so every alert is checked once the longest
  // `for:` has passed: fast, and the same verdict a full long window would give. That the windows
  // are the workbook's is the unit suite's job (test/slo-workbook.test.ts); that the short window
  // ends a page quickly is the reset test below.
  const atS = align(Math.max(...plan.alerts.map((a) => a.forS)) + MARGIN_S);
  const tests: Record<string, unknown>[] = [];
  for (const a of plan.alerts) {
    const steps = atS / step;
    // Above: 10 % over the threshold (or halfway to 100 % errors when that is less).
    const cases: Array<[string, number]> = [
      [`fires at ${formatNumber(a.factor)}x`, Math.min(a.threshold * 1.1, (a.threshold + 1) / 2)],
      [`silent just below ${formatNumber(a.factor)}x`, a.threshold * 0.9],
    ];
    for (const [what, ratio] of cases) {
      const input = syntheticSeries(sli, [{ ratio, steps }], perStep);
      if (!input) continue;
      tests.push({
        name: `${plan.slo.name} ${a.window} (${a.action}) ${what}: error ratio ${formatNumber(ratio)}`,
        interval,
        input_series: input,
        alert_rule_test: [{ eval_time: promDuration(atS), alertname: BURN_ALERT, exp_alerts: expected([{ ratio, steps }], atS) }],
      });
    }
  }
  const page = plan.alerts[0]!;
  const pageAtS = atS;
  const fewSteps = pageAtS / step;
  // Every request fails, but fewer than min_requests arrive in each long window.
  const trickle = syntheticSeries(sli, [{ ratio: 1, steps: fewSteps }], (plan.slo.min_requests / 2) * (step / page.longS));
  if (trickle && sli.kind !== 'probe') {
    tests.push({
      name: `${plan.slo.name}: every request fails but fewer than ${plan.slo.min_requests} arrive per window: no page`,
      interval,
      input_series: trickle,
      alert_rule_test: [{ eval_time: promDuration(pageAtS), alertname: BURN_ALERT, exp_alerts: [] }],
    });
  }
  // The fast page over a full long window, then recovery: it ends once the short window is clean,
  // long before the long window forgets the burst.
  const burstS = align(page.longS + page.forS + MARGIN_S);
  const burstRatio = Math.min(page.threshold * 1.1, (page.threshold + 1) / 2);
  const endS = align(burstS + page.shortS + 3 * step);
  const phases = [{ ratio: burstRatio, steps: burstS / step }, { ratio: 0, steps: (endS - burstS) / step }];
  const burst = syntheticSeries(sli, phases, perStep);
  if (burst) {
    tests.push({
      name: `${plan.slo.name} ${page.window}: fires over a full ${page.long} window and resolves ${page.short} after recovery`,
      interval,
      input_series: burst,
      alert_rule_test: [
        { eval_time: promDuration(burstS), alertname: BURN_ALERT, exp_alerts: expected(phases, burstS) },
        { eval_time: promDuration(endS), alertname: BURN_ALERT, exp_alerts: expected(phases, endS) },
      ],
    });
  }
  tests.push({
    name: `${plan.slo.name}: no SLI data is an alert of its own`,
    interval,
    input_series: [{ series: 'up{job="unrelated"}', values: `1x${Math.ceil(1800 / step)}` }],
    alert_rule_test: [
      { eval_time: promDuration(align(300)), alertname: NO_DATA_ALERT, exp_alerts: [] },
      {
        eval_time: promDuration(align(900)),
        alertname: NO_DATA_ALERT,
        exp_alerts: [{ exp_labels: { slo: plan.slo.name, severity: 'warning', pack: 'slo' }, exp_annotations: noDataAnnotations(plan, describeEvents(sli)) }],
      },
    ],
  });
  return { rule_files: [ruleFile], evaluation_interval: interval, tests };
}
