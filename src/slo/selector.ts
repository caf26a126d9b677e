// Custom SLI selectors (`errors:`/`total:`) are checked with the PromQL grammar at config time, and
// their matchers are read back so the generated promtool tests can feed series that match them.
import { parser } from '@prometheus-io/lezer-promql';
import { formatSyntaxError, promqlSyntaxErrors } from '../validate/promql-parse.js';

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

/** Why `text` is not a single series selector, or undefined when it is one. */
export function selectorProblem(text: string): string | undefined {
  const errors = promqlSyntaxErrors(text);
  if (errors.length) return `not valid PromQL (${formatSyntaxError(errors[0]!)})`;
  const top = parser.parse(text.trim()).topNode.firstChild;
  if (top?.type.name !== 'VectorSelector') return 'must be a series selector such as name{label="value"}, without a range, function or operator';
  if (!parseSelector(text)?.metric) return 'must name the metric, e.g. grpc_server_handled_total{grpc_code!="OK"}';
  return undefined;
}

const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

export function parseSelector(text: string): Selector | undefined {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/s.exec(text);
  if (!m) return undefined;
  const matchers: Matcher[] = [];
  const body = m[2] ?? '';
  MATCHER.lastIndex = 0;
  while (MATCHER.lastIndex < body.length) {
    const start = MATCHER.lastIndex;
    const mm = MATCHER.exec(body);
    if (!mm) {
      if (body.slice(start).trim() === '') break;
      return undefined;
    }
    matchers.push({ label: mm[1]!, op: mm[2] as Matcher['op'], value: JSON.parse(`"${mm[3]}"`) as string });
  }
  return { metric: m[1]!, matchers };
}

const fullMatch = (re: string, v: string) => new RegExp(`^(?:${re})$`).test(v);

export function matches(s: Selector, metric: string, labels: Record<string, string>): boolean {
  if (s.metric !== metric) return false;
  return s.matchers.every((m) => {
    const v = labels[m.label] ?? '';
    if (m.op === '=') return v === m.value;
    if (m.op === '!=') return v !== m.value;
    if (m.op === '=~') return fullMatch(m.value, v);
    return !fullMatch(m.value, v);
  });
}

/** A value a simple regex matches: first alternative, `.` -> x, classes -> their first char. */
function example(re: string): string {
  const first = re.split('|')[0]!.replace(/^\(+|\)+$/g, '');
  return first
    .replace(/\\d/g, '0')
    .replace(/\\w/g, 'x')
    .replace(/\[\^?([^\]])[^\]]*\]/g, '$1')
    .replace(/\\(.)/g, '$1')
    .replace(/\.[*+?]?/g, 'x')
    .replace(/[*?]|\{\d+,?\d*\}/g, '')
    .replace(/\+/g, '');
}

/** Labels satisfying every matcher of the selectors, or undefined when none were found. */
export function exampleLabels(selectors: Selector[], avoid?: Selector): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const s of selectors) {
    for (const m of s.matchers) {
      if (m.op === '=') labels[m.label] = m.value;
      else if (m.op === '=~') labels[m.label] = example(m.value);
    }
  }
  if (avoid) {
    // Break the first matcher of `avoid` the other selectors do not pin.
    const pinned = new Set(selectors.flatMap((s) => s.matchers.filter((m) => m.op === '=' || m.op === '=~').map((m) => m.label)));
    for (const m of avoid.matchers) {
      if (pinned.has(m.label)) continue;
      labels[m.label] = m.op === '!=' ? m.value : m.op === '!~' ? example(m.value) : 'obsctl_good';
      if (!matches(avoid, avoid.metric, labels)) break;
    }
  }
  const metric = selectors[0]!.metric;
  if (!selectors.every((s) => matches(s, metric, labels))) return undefined;
  if (avoid && matches(avoid, metric, labels)) return undefined;
  return labels;
}
