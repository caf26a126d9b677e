// `obsctl gate`: GO / NO-GO for a deploy from the SLOs. For each SLO, over the last --window:
// its burn rate (error ratio / budget), its error budget left over the period, and whether one of
// its page alerts fires in Prometheus (reported, not decisive). NO-GO names the SLO, the window, the burn and the budget;
// "cannot tell" (no data, Prometheus unreachable) is its own verdict, never a GO.
import type { Config, Slo } from '../config/schema.js';
import { formatNumber } from '../render/thresholds.js';
import { describeFailure, getJson, type Fetch } from '../verify/http.js';
import { BURN_ALERT, sloPlan } from './rules.js';
import { sliExprs, sliKind } from './sli.js';

export type Verdict = 'go' | 'no-go' | 'unknown';

export interface SloVerdict {
  slo: string;
  verdict: Verdict;
  window: string;
  /** error ratio / allowed error ratio over the window */
  burn?: number;
  /** share of the period's error budget left (negative: overspent) */
  budgetLeft?: number;
  /** burn-rate page alerts of this SLO firing now, as `window` labels */
  paging: string[];
  reason: string;
}

export interface GateOptions {
  window: string;
  /** NO-GO above this burn rate over the window (1 = spending exactly the budget) */
  maxBurn: number;
  /** per query; the period's budget reads days of raw samples */
  timeoutMs?: number;
  fetchImpl?: Fetch;
}

interface PromVector {
  data?: { result?: { metric: Record<string, string>; value: [number, string] }[] };
}

async function promQuery(base: string, query: string, o: GateOptions) {
  const r = await getJson<PromVector>(`${base}/api/v1/query?query=${encodeURIComponent(query)}`, { timeoutMs: o.timeoutMs ?? 30_000, ...(o.fetchImpl ? { fetchImpl: o.fetchImpl } : {}) });
  return { ...r, series: r.body?.data?.result ?? [] };
}

const pct = (r: number) => `${formatNumber(Math.round(r * 1000) / 10)} %`;

async function scalar(prometheus: string, expr: string, o: GateOptions): Promise<number | undefined | Error> {
  const r = await promQuery(prometheus, expr, o);
  if (!r.ok) return new Error(describeFailure(r));
  const v = r.series[0]?.value[1];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

export async function gateSlo(prometheus: string, slo: Slo, config: Config, o: GateOptions): Promise<SloVerdict> {
  const plan = sloPlan(slo);
  const exprs = sliExprs(sliKind(slo, config));
  const base = { slo: slo.name, window: o.window, paging: [] as string[] };
  const [ratio, events, periodRatio, alerts] = await Promise.all([
    scalar(prometheus, exprs.errorRatio(o.window), o),
    scalar(prometheus, exprs.eventRate(o.window), o),
    scalar(prometheus, exprs.errorRatio(plan.period), o),
    promQuery(prometheus, `ALERTS{alertname="${BURN_ALERT}",alertstate="firing",slo="${slo.name}",action="page"}`, o),
  ]);
  for (const r of [ratio, events, periodRatio]) {
    if (r instanceof Error) return { ...base, verdict: 'unknown', reason: `Prometheus at ${prometheus} did not answer: ${r.message}` };
  }
  if (!alerts.ok) return { ...base, verdict: 'unknown', reason: `Prometheus at ${prometheus} did not answer: ${describeFailure(alerts)}` };
  const paging = alerts.series.map((s) => s.metric.window ?? '?').sort();
  const burn = typeof ratio === 'number' ? ratio / plan.budget : undefined;
  const budgetLeft = typeof periodRatio === 'number' ? 1 - periodRatio / plan.budget : undefined;
  const numbers = { ...(burn !== undefined ? { burn } : {}), ...(budgetLeft !== undefined ? { budgetLeft } : {}) };
  const evidence = [
    burn !== undefined ? `burn ${formatNumber(Math.round(burn * 100) / 100)}x over ${o.window} (${pct(ratio as number)} errors, ${pct(plan.budget)} allowed)` : undefined,
    budgetLeft !== undefined ? `${pct(budgetLeft)} of the ${plan.period} budget left` : undefined,
  ].filter(Boolean).join(', ');
  // Firing page alerts are evidence, not the verdict: after a recovery the slower page (6h/30m)
  // rightly keeps firing for a while, and a healthy window is what a deploy decision needs.
  const alertNote = paging.length ? `; ${BURN_ALERT} paging for window ${paging.join(', ')}` : '';
  if (budgetLeft !== undefined && budgetLeft <= 0) return { ...base, ...numbers, paging, verdict: 'no-go', reason: `error budget spent: ${evidence}${alertNote}` };
  if (burn !== undefined && burn > o.maxBurn) return { ...base, ...numbers, paging, verdict: 'no-go', reason: `burning faster than ${formatNumber(o.maxBurn)}x: ${evidence}${alertNote}` };
  if (burn === undefined || !events) {
    return { ...base, ...numbers, paging, verdict: 'unknown', reason: `no ${slo.target} traffic over the last ${o.window}: the SLI cannot be measured${evidence ? ` (${evidence})` : ''}` };
  }
  return { ...base, ...numbers, paging, verdict: 'go', reason: `${evidence}${alertNote}` };
}

export async function gate(prometheus: string, slos: Slo[], config: Config, o: GateOptions): Promise<SloVerdict[]> {
  return Promise.all(slos.map((s) => gateSlo(prometheus, s, config, o)));
}

/** The run's verdict: any NO-GO wins, then any "cannot tell"; GO only when every SLO says GO. */
export function overall(verdicts: SloVerdict[]): Verdict {
  if (verdicts.some((v) => v.verdict === 'no-go')) return 'no-go';
  if (verdicts.length === 0 || verdicts.some((v) => v.verdict === 'unknown')) return 'unknown';
  return 'go';
}

export const exitCodeOf = (v: Verdict) => ({ go: 0, 'no-go': 1, unknown: 3 })[v];
