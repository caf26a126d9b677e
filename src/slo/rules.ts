// Recording rules and burn-rate alerts for one SLO, exactly as the SRE workbook's multi-window,
// multi-burn-rate alerting: one alert per window pair (so you can tell which fired), each with a
// minimum-traffic guard and a short `for:`, plus an absent guard (no data is an alert, not
// silence). Names follow Prometheus' level:metric:operations convention, one series per SLO
// (label slo).
import type { Config, Slo } from '../config/schema.js';
import { goTemplateLiterals } from '../render/escape.js';
import { formatNumber } from '../render/thresholds.js';
import { describeEvents, describeSli, sliExprs, sliKind } from './sli.js';
import { burnAlertWindows, durationSeconds, promDuration, recordedWindows, WORKBOOK_PERIOD_S, type BurnAlertWindow } from './windows.js';

export const BURN_ALERT = 'SLOErrorBudgetBurn';
export const NO_DATA_ALERT = 'SLONoData';
export const NO_DATA_FOR = '10m';
export const DEFAULT_RUNBOOK = 'https://github.com/obsctl/obsctl/blob/main/docs/slo.md#when-an-slo-alert-fires';

export const rec = {
  objective: 'slo:objective:ratio',
  budget: 'slo:error_budget:ratio',
  errorRatio: (w: string) => `slo:sli_error:ratio_rate${w}`,
  eventRate: (w: string) => `slo:sli_events:rate${w}`,
  burnRate: (w: string) => `slo:burn_rate:rate${w}`,
  budgetRemaining: 'slo:error_budget_remaining:ratio',
} as const;

/** Windows of a day or more are re-evaluated once a minute: they read days of raw samples. */
const SLOW_WINDOW_S = 86400;
const SLOW_INTERVAL = '1m';

export interface SloPlan {
  slo: Slo;
  periodS: number;
  period: string;
  /** allowed error ratio, 1 - objective */
  budget: number;
  alerts: Array<BurnAlertWindow & { long: string; short: string; threshold: number; window: string }>;
  windows: string[];
}

export function sloPlan(slo: Slo): SloPlan {
  const periodS = durationSeconds(slo.period);
  const budget = Number(formatNumber(1 - slo.objective / 100));
  return {
    slo,
    periodS,
    period: promDuration(periodS),
    budget,
    alerts: burnAlertWindows(periodS).map((a) => {
      const long = promDuration(a.longS);
      const short = promDuration(a.shortS);
      return { ...a, long, short, window: `${long}/${short}`, threshold: Number(formatNumber(a.factor * budget)) };
    }),
    windows: recordedWindows(periodS).map(promDuration),
  };
}

const pct = (ratio: number) => `${formatNumber(ratio * 100)} %`;

export function burnAlertAnnotations(plan: SloPlan, a: SloPlan['alerts'][number], sliText: string): Record<string, string> {
  const { slo } = plan;
  return {
    summary: `SLO ${slo.name} is burning its error budget ${formatNumber(a.factor)}x too fast (${a.window})`,
    description:
      `More than ${pct(a.threshold)} of ${sliText} over the last ${a.long} and over the last ${a.short}: ` +
      `${formatNumber(a.factor)} times the ${pct(plan.budget)} the ${formatNumber(slo.objective)} % objective allows. ` +
      `At this rate ${pct(a.budgetShare)} of the ${plan.period} error budget is gone in ${a.long}.`,
    runbook_url: slo.runbook_url ?? DEFAULT_RUNBOOK,
  };
}

export function noDataAnnotations(plan: SloPlan, eventsText: string): Record<string, string> {
  return {
    summary: `SLO ${plan.slo.name} has no data`,
    description: `No ${eventsText} have been seen for ${NO_DATA_FOR}: the SLI cannot be measured, so its burn-rate alerts cannot fire. Is the target scraped?`,
    runbook_url: plan.slo.runbook_url ?? DEFAULT_RUNBOOK,
  };
}

export function sloRuleGroups(plan: SloPlan, config: Pick<Config, 'exporters'>): Record<string, unknown>[] {
  const { slo, budget } = plan;
  const sli = sliKind(slo, config);
  const exprs = sliExprs(sli);
  const sliText = describeSli(sli);
  const labels = { slo: slo.name };
  const at = `{slo="${slo.name}"}`;
  const fast: Record<string, unknown>[] = [
    { record: rec.objective, expr: `vector(${formatNumber(slo.objective / 100)})`, labels },
    { record: rec.budget, expr: `vector(${formatNumber(budget)})`, labels },
  ];
  const slow: Record<string, unknown>[] = [];
  for (const w of plan.windows) {
    const into = durationSeconds(w) >= SLOW_WINDOW_S ? slow : fast;
    into.push(
      { record: rec.errorRatio(w), expr: exprs.errorRatio(w), labels },
      { record: rec.eventRate(w), expr: exprs.eventRate(w), labels },
      { record: rec.burnRate(w), expr: `${rec.errorRatio(w)}${at} / ${formatNumber(budget)}`, labels },
    );
  }
  slow.push({ record: rec.budgetRemaining, expr: `1 - ${rec.errorRatio(plan.period)}${at} / ${formatNumber(budget)}`, labels });
  for (const a of plan.alerts) {
    fast.push({
      alert: BURN_ALERT,
      expr: [
        `${rec.errorRatio(a.long)}${at} > (${formatNumber(a.factor)} * ${formatNumber(budget)})`,
        'and',
        `${rec.errorRatio(a.short)}${at} > (${formatNumber(a.factor)} * ${formatNumber(budget)})`,
        'and',
        `${rec.eventRate(a.long)}${at} * ${a.longS} >= ${slo.min_requests}`,
      ].join('\n'),
      for: promDuration(a.forS),
      labels: { slo: slo.name, window: a.window, severity: a.severity, action: a.action, pack: 'slo' },
      annotations: goTemplateLiterals(burnAlertAnnotations(plan, a, sliText)),
    });
  }
  fast.push({
    alert: NO_DATA_ALERT,
    expr: `absent(${rec.eventRate(plan.windows[0]!)}${at})`,
    for: NO_DATA_FOR,
    labels: { slo: slo.name, severity: 'warning', pack: 'slo' },
    annotations: goTemplateLiterals(noDataAnnotations(plan, describeEvents(sli))),
  });
  return [
    { name: `obsctl-slo-${slo.name}`, rules: fast },
    { name: `obsctl-slo-${slo.name}-long`, interval: SLOW_INTERVAL, rules: slow },
  ];
}

export { WORKBOOK_PERIOD_S };
