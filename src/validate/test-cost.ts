// How long `promtool test rules` takes on a test file, roughly, to spread the files over a few
// processes evenly. promtool evaluates every rule of the file's rule files at every
// evaluation_interval from 0 to the latest eval_time of each test group, so the cost is about
// steps x rules (measured: app-red, 840 steps x 9 rules, ~0.5 s; a file of short groups ~40 ms).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A Prometheus duration ("6h30m", "90s") in ms; undefined when it is not one. */
export function durationMs(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^(\d+(ms|s|m|h|d|w|y))+$/.test(text.trim())) return undefined;
  let ms = 0;
  for (const m of text.trim().matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

interface TestGroup {
  alert_rule_test?: { eval_time?: unknown }[];
  promql_expr_test?: { eval_time?: unknown }[];
}

/** Set-up of a test group (storage, rule loading) in rule-evaluation units. */
const GROUP_SETUP = 50;

/** Estimated cost of a parsed test file whose rule files hold `ruleTexts`. */
export function testFileCost(doc: unknown, ruleTexts: string[]): number {
  const d = (doc ?? {}) as { evaluation_interval?: unknown; tests?: unknown };
  const interval = durationMs(d.evaluation_interval) || 60_000;
  const rules = Math.max(1, ruleTexts.reduce((n, t) => n + (t.match(/^\s*-?\s*(alert|record):/gm)?.length ?? 0), 0));
  const groups = Array.isArray(d.tests) ? (d.tests as TestGroup[]) : [];
  let cost = 0;
  for (const g of groups) {
    const times = [...(g?.alert_rule_test ?? []), ...(g?.promql_expr_test ?? [])].map((t) => durationMs(t?.eval_time) ?? 0);
    const steps = Math.floor(Math.max(0, ...times) / interval) + 1;
    cost += steps * rules + GROUP_SETUP;
  }
  return cost;
}

/**
 * Items in at most `n` batches of about equal total cost (longest first, each onto the lightest
 * batch); within a batch the items keep their given order.
 */
export function batchesByCost<T>(items: { item: T; cost: number }[], n: number): T[][] {
  const count = Math.max(1, Math.min(n, items.length));
  const batches = Array.from({ length: count }, () => ({ total: 0, members: [] as number[] }));
  const order = items.map((_, i) => i).sort((a, b) => items[b]!.cost - items[a]!.cost || a - b);
  for (const i of order) {
    const lightest = batches.reduce((min, b) => (b.total < min.total ? b : min));
    lightest.total += items[i]!.cost;
    lightest.members.push(i);
  }
  return batches.filter((b) => b.members.length).map((b) => b.members.sort((x, y) => x - y).map((i) => items[i]!.item));
}
