// How long after a fresh start a PromQL query can first return data. Pure: it reads the query's
// syntax tree (lezer-promql, the parser Prometheus' own UI uses) and the stack's intervals.
//
// Measured on a new stack (15 s scrapes and evaluations): panels over `rate(x[1m])` and over
// recording rules were empty for ~30 s and full from then on, whatever the range window (an
// `increase(x[1h])` panel had data as early as a `rate(x[1m])` one). So readiness is counted in
// samples, not in windows: a plain selector needs one scrape; rate/increase/deriv & co need two
// samples inside their window; a recording rule's series exists one evaluation after its inputs do.
import { parser } from '@prometheus-io/lezer-promql';
import { substituteGrafanaVariables } from '../validate/promql-parse.js';
import { seconds } from './expected.js';

export interface Intervals {
  /** Scrape interval per job name, seconds. */
  scrape: Map<string, number>;
  /** Evaluation interval per recorded series name, seconds, with the expression that records it. */
  recorded: Map<string, { expr: string; intervalSeconds: number }>;
}

export interface Readiness {
  /** Seconds after the stack's start at which the query can first have data. */
  seconds: number;
  /** The longest range window in the query and the recording rules behind it, seconds. */
  longestWindowSeconds: number;
}

// Functions that need two samples inside their range to return anything.
const twoSamples = new Set(['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'predict_linear', 'holt_winters', 'double_exponential_smoothing']);

const maxScrape = (iv: Intervals) => Math.max(0, ...iv.scrape.values());

export function queryReadiness(expr: string, iv: Intervals, depth = 0): Readiness {
  const text = substituteGrafanaVariables(expr).text;
  const tree = parser.parse(text);
  let ready = 0;
  let longest = 0;
  tree.iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return;
      const selector = text.slice(node.from, node.to);
      const name = /^[A-Za-z_:][\w:]*/.exec(selector)?.[0];
      const job = /\bjob\s*=\s*"([^"]+)"/.exec(selector)?.[1];
      const rule = name ? iv.recorded.get(name) : undefined;
      let base: number;
      let step: number;
      if (rule && depth < 8) {
        const inner = queryReadiness(rule.expr, iv, depth + 1);
        base = inner.seconds + rule.intervalSeconds;
        step = rule.intervalSeconds;
        longest = Math.max(longest, inner.longestWindowSeconds);
      } else {
        step = (job && iv.scrape.get(job)) || maxScrape(iv);
        base = step;
      }
      // [window] or [window:resolution] right after the selector, inside a function call.
      const range = node.node.parent;
      if (range && (range.name === 'MatrixSelector' || range.name === 'SubqueryExpr')) {
        const durations = text.slice(node.to, range.to).match(/\d+(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*/g) ?? [];
        longest = Math.max(longest, seconds(durations[0] ?? '0s'));
        if (range.name === 'SubqueryExpr') step = seconds(durations[1] ?? '') || step;
        const call = range.parent?.parent;
        const fn = call?.name === 'FunctionCall' ? text.slice(call.from, call.to).split('(')[0]!.trim() : '';
        if (twoSamples.has(fn)) base += step;
      }
      ready = Math.max(ready, base);
    },
  });
  return { seconds: ready, longestWindowSeconds: longest };
}

/** Recorded series of the rendered rule files (group interval, else the global evaluation interval). */
export function recordedSeries(ruleFiles: unknown[], evaluationSeconds: number): Intervals['recorded'] {
  const out: Intervals['recorded'] = new Map();
  for (const doc of ruleFiles) {
    const groups = (doc as { groups?: { interval?: string; rules?: { record?: string; expr?: string }[] }[] })?.groups ?? [];
    for (const g of groups) {
      const interval = g.interval ? seconds(g.interval) : evaluationSeconds;
      for (const r of g.rules ?? []) if (r.record && r.expr !== undefined) out.set(r.record, { expr: String(r.expr), intervalSeconds: interval });
    }
  }
  return out;
}
