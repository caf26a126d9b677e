// Small, plausible regressions of one PromQL expression, found on lezer-promql's syntax tree (not
// with regexes, so `rate` inside `irate` or a `5m` inside a label value is never touched). Pure and
// deterministic: the same expression always yields the same mutants in the same order, so a
// mutant's id is stable from run to run and can be listed in survivors.yml.
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

export interface ExprMutant {
  /** Operator family, e.g. `function`, `window-swap`. */
  kind: string;
  /** What changed, readable and stable: `rate -> irate (1st)`. */
  what: string;
  expr: string;
}

/** Function swaps a refactoring could plausibly make (the second name takes the same arguments). */
const FUNCTION_SWAP: Record<string, string> = {
  rate: 'irate',
  irate: 'rate',
  increase: 'rate',
  delta: 'idelta',
  idelta: 'delta',
  deriv: 'delta',
  max_over_time: 'min_over_time',
  min_over_time: 'max_over_time',
  avg_over_time: 'max_over_time',
  sum_over_time: 'avg_over_time',
  changes: 'resets',
  resets: 'changes',
  ceil: 'floor',
  floor: 'ceil',
  clamp_max: 'clamp_min',
  clamp_min: 'clamp_max',
};
const AGGREGATION_SWAP: Record<string, string> = { sum: 'max', max: 'min', min: 'max', avg: 'max', count: 'sum', group: 'count' };
/** Direction flips and boundary shifts of comparisons. */
const COMPARISON_SWAP: Record<string, string[]> = { '>': ['<', '>='], '<': ['>', '<='], '>=': ['<=', '>'], '<=': ['>=', '<'], '==': ['!='], '!=': ['=='] };
const SET_SWAP: Record<string, string> = { and: 'or', or: 'and', unless: 'and' };
const ARITH_SWAP: Record<string, string> = { '/': '*', '*': '/', '+': '-', '-': '+' };
const MATCH_SWAP: Record<string, string> = { '=': '!=', '!=': '=', '=~': '!~', '!~': '=~' };
const COMPARISON_NODES = new Set(['Gtr', 'Lss', 'Gte', 'Lte', 'Eql', 'Neq']);
/** A recording rule name whose last part ends in its window: `job:x:error_ratio_rate1h`. */
const RECORDED_WINDOW = /^(.*[a-z_])(\d+[smhdwy])$/;

interface Edit {
  from: number;
  to: number;
  text: string;
}

const ordinal = (n: number): string => `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;

/** Formats a number the way PromQL reads it (no float noise such as 0.30000000000000004). */
const num = (n: number): string => String(Math.round(n * 1e9) / 1e9);

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
/** Milliseconds of a Prometheus duration such as `1h30m`; undefined for anything else. */
export function durationMs(d: string): number | undefined {
  const parts = [...d.matchAll(/(\d+)(ms|[smhdwy])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_MS[p[2]!]!, 0);
}
/** The shortest Prometheus spelling of a duration in milliseconds (`90m` -> `1h30m`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let left = ms;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms']) {
    const size = DURATION_MS[unit]!;
    if (left >= size) {
      out += `${Math.floor(left / size)}${unit}`;
      left %= size;
    }
  }
  return out;
}

/**
 * Every mutant of `expr`; throws when `expr` does not parse (the runner reports the rule).
 * `recordedNames`: the recording rules beside it, so `…_rate1h` can become its `…_rate6h` sibling.
 */
export function mutateExpr(expr: string, recordedNames: readonly string[] = []): ExprMutant[] {
  const tree = parser.parse(expr);
  const nodes: SyntaxNode[] = [];
  let errors = 0;
  tree.iterate({
    enter(n) {
      if (n.type.isError) errors++;
      nodes.push(n.node);
    },
  });
  if (errors) throw new Error(`does not parse as PromQL: ${expr}`);
  const text = (n: SyntaxNode): string => expr.slice(n.from, n.to);
  const out: ExprMutant[] = [];
  const seen = new Map<string, number>();
  const add = (kind: string, label: string, edits: Edit[]): void => {
    const n = (seen.get(`${kind} ${label}`) ?? 0) + 1;
    seen.set(`${kind} ${label}`, n);
    let mutated = expr;
    for (const e of [...edits].sort((a, b) => b.from - a.from)) mutated = mutated.slice(0, e.from) + e.text + mutated.slice(e.to);
    if (mutated !== expr) out.push({ kind, what: `${label} (${ordinal(n)})`, expr: mutated });
  };
  const replace = (kind: string, n: SyntaxNode, to: string): void => add(kind, `${text(n)} -> ${to}`, [{ from: n.from, to: n.to, text: to }]);

  const ranges: SyntaxNode[] = [];
  const recorded: SyntaxNode[] = [];
  for (const n of nodes) {
    const parent = n.parent;
    switch (n.name) {
      case 'FunctionIdentifier': {
        const to = FUNCTION_SWAP[text(n)];
        if (to) replace('function', n, to);
        break;
      }
      case 'AggregateOp': {
        const to = AGGREGATION_SWAP[text(n)];
        if (to) replace('aggregation', n, to);
        break;
      }
      case 'GroupingLabels': {
        const labels = n.getChildren('LabelName');
        const modifier = parent!; // AggregateExpr's AggregateModifier, or a MatchingModifierClause
        labels.forEach((l, i) => {
          if (labels.length === 1) {
            add('grouping', `drop ${text(modifier)}`, [{ from: modifier.from, to: modifier.to, text: '' }]);
            return;
          }
          const rest = labels.filter((_, j) => j !== i).map(text);
          add('grouping', `${text(n)} -> (${rest.join(', ')})`, [{ from: n.from, to: n.to, text: `(${rest.join(', ')})` }]);
        });
        break;
      }
      case 'UnquotedLabelMatcher':
      case 'QuotedLabelMatcher': {
        const matchers = parent!;
        const all = [...matchers.getChildren('UnquotedLabelMatcher'), ...matchers.getChildren('QuotedLabelMatcher')].sort((a, b) => a.from - b.from);
        const rest = all.filter((m) => m.from !== n.from).map(text);
        const vector = matchers.parent!;
        const hasName = vector.getChild('Identifier') !== null;
        // Removing a metric's only matcher leaves the bare name; a bare `{x="y"}` cannot lose it.
        if (rest.length > 0 || hasName) add('matcher', `drop ${text(n)}`, [{ from: matchers.from, to: matchers.to, text: rest.length ? `{${rest.join(', ')}}` : '' }]);
        const op = n.getChild('MatchOp');
        const flipped = op && MATCH_SWAP[text(op)];
        if (op && flipped) add('matcher', `${text(n)}: ${text(op)} -> ${flipped}`, [{ from: op.from, to: op.to, text: flipped }]);
        break;
      }
      case 'NumberDurationLiteral': {
        const value = Number(text(n));
        if (!Number.isFinite(value)) break;
        // A number compared against is a threshold: moved both ways. Any other number doubles.
        const isThreshold = parent?.name === 'BinaryExpr' && [...childrenOf(parent)].some((c) => COMPARISON_NODES.has(c.name));
        if (isThreshold) {
          for (const to of value === 0 ? [1, -1] : [value * 2, value / 2]) replace('threshold', n, num(to));
        } else {
          replace('number', n, num(value === 0 ? 1 : value * 2));
        }
        break;
      }
      case 'Identifier': {
        const m = parent?.name === 'VectorSelector' ? RECORDED_WINDOW.exec(text(n)) : null;
        if (!m) break;
        recorded.push(n);
        // Another window of the same recorded series (`rate1h` -> `rate6h`): a burn-rate alert
        // reading the wrong window.
        for (const other of recordedNames) {
          const o = RECORDED_WINDOW.exec(other);
          if (o && o[1] === m[1] && o[2] !== m[2]) replace('window', n, other);
        }
        break;
      }
      case 'DurationExpr':
        // A range: `[5m]`, or a subquery's first duration (its resolution is not a window).
        if (parent?.name === 'MatrixSelector' || (parent?.name === 'SubqueryExpr' && parent.getChild('DurationExpr')?.from === n.from)) ranges.push(n);
        break;
      default:
        if (COMPARISON_NODES.has(n.name) && parent?.name === 'BinaryExpr') {
          // The boundary shift (`>` -> `>=`) only where the value compared against is 0 or 1, the
          // counts and states that sit exactly there (`increase(...) > 0` -> `>= 0` always fires);
          // against a float threshold it differs only at exact equality, which no real series hits.
          const literal = parent.getChild('NumberDurationLiteral');
          const onCount = literal !== null && ['0', '1'].includes(text(literal));
          const [flip, boundary] = COMPARISON_SWAP[text(n)] ?? [];
          if (flip) replace('comparison', n, flip);
          if (boundary && onCount) replace('comparison', n, boundary);
        } else if (parent?.name === 'BinaryExpr' && SET_SWAP[text(n)] && ['And', 'Or', 'Unless'].includes(n.name)) {
          replace('set-operator', n, SET_SWAP[text(n)]!);
        } else if (parent?.name === 'BinaryExpr' && ['Mul', 'Div', 'Add', 'Sub'].includes(n.name)) {
          replace('arithmetic', n, ARITH_SWAP[text(n)]!);
        }
    }
  }
  windowSwaps(ranges.map((n) => ({ n, window: text(n) })), (a, b) => add('window-swap', `[${a.window}] <-> [${b.window}]`, swapEdits(ranges, a.window, b.window, text)));
  const recordedWindows = recorded.map((n) => ({ n, window: RECORDED_WINDOW.exec(text(n))![2]! }));
  windowSwaps(recordedWindows, (a, b) =>
    add('window-swap', `${text(a.n)} <-> ${text(b.n)}`, swapEdits(recorded, a.window, b.window, (n) => RECORDED_WINDOW.exec(text(n))![2]!, (n, w) => RECORDED_WINDOW.exec(text(n))![1]! + w)),
  );
  return out;
}

function* childrenOf(n: SyntaxNode): Generator<SyntaxNode> {
  for (let c = n.firstChild; c; c = c.nextSibling) yield c;
}

/** One callback per pair of distinct windows in the expression (e.g. the long and short one). */
function windowSwaps<T extends { window: string }>(items: T[], swap: (a: T, b: T) => void): void {
  const distinct = [...new Map(items.map((i) => [i.window, i])).values()];
  for (let i = 0; i < distinct.length; i++) for (let j = i + 1; j < distinct.length; j++) swap(distinct[i]!, distinct[j]!);
}

/** Edits that put window b where a was and a where b was, everywhere in the expression. */
function swapEdits(
  nodes: SyntaxNode[],
  a: string,
  b: string,
  windowOf: (n: SyntaxNode) => string,
  rewrite: (n: SyntaxNode, w: string) => string = (_n, w) => w,
): Edit[] {
  return nodes.flatMap((n) => {
    const w = windowOf(n);
    if (w === a) return [{ from: n.from, to: n.to, text: rewrite(n, b) }];
    if (w === b) return [{ from: n.from, to: n.to, text: rewrite(n, a) }];
    return [];
  });
}

/** Mutants of a `for:` duration: dropped, halved, doubled. */
export function mutateFor(forDuration: string | undefined): { what: string; for: string | undefined }[] {
  if (forDuration === undefined) return [];
  const ms = durationMs(forDuration);
  if (ms === undefined || ms === 0) return [];
  return [
    { what: `for: ${forDuration} -> none`, for: undefined },
    { what: `for: ${forDuration} -> ${formatDuration(ms / 2)}`, for: formatDuration(ms / 2) },
    { what: `for: ${forDuration} -> ${formatDuration(ms * 2)}`, for: formatDuration(ms * 2) },
  ];
}
