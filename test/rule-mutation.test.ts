// The rule mutation check (test/rule-mutation/): the mutants it makes, and, with the real promtool,
// that it kills and lets survive what it should. The whole check over every pack takes minutes on
// this machine, so CI runs it from .ci/run (npm run test:rule-mutation); here one small pack runs
// end to end.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { mutateExpr, mutateFor } from './rule-mutation/mutants.js';
import { loadPacks, mutantsOf } from './rule-mutation/pack.js';
import { acceptedSurvivors, mutationReport } from './rule-mutation/run.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const parses = (expr: string): boolean => {
  let errors = 0;
  parser.parse(expr).iterate({ enter: (n) => void (n.type.isError && errors++) });
  return errors === 0;
};

describe('rule mutants', () => {
  const burn = 'job:x:ratio_rate1h > 0.144 and job:x:ratio_rate5m > 0.144';
  const recorded = ['job:x:ratio_rate5m', 'job:x:ratio_rate1h', 'job:x:ratio_rate6h'];

  it('swaps and changes the windows of a burn-rate alert, flips its operators and thresholds', () => {
    const m = mutateExpr(burn, recorded).map((x) => `${x.kind}: ${x.what} => ${x.expr}`);
    expect(m).toContain('window-swap: job:x:ratio_rate1h <-> job:x:ratio_rate5m (1st) => job:x:ratio_rate5m > 0.144 and job:x:ratio_rate1h > 0.144');
    expect(m).toContain('window: job:x:ratio_rate1h -> job:x:ratio_rate6h (1st) => job:x:ratio_rate6h > 0.144 and job:x:ratio_rate5m > 0.144');
    expect(m).toContain('set-operator: and -> or (1st) => job:x:ratio_rate1h > 0.144 or job:x:ratio_rate5m > 0.144');
    expect(m).toContain('threshold: 0.144 -> 0.072 (2nd) => job:x:ratio_rate1h > 0.144 and job:x:ratio_rate5m > 0.072');
    expect(m).toContain('comparison: > -> < (1st) => job:x:ratio_rate1h < 0.144 and job:x:ratio_rate5m > 0.144');
    // Boundary shifts only against 0 and 1 (counts), not against a float threshold.
    expect(m.filter((x) => x.startsWith('comparison: > -> >='))).toEqual([]);
  });

  it('works on the syntax tree: rate inside irate, label values and range windows', () => {
    const expr = 'sum by (job) (rate(x_total{status=~"5..",job="a"}[6h])) / sum by (job) (irate(x_total[1h])) > 0';
    const m = mutateExpr(expr);
    const what = m.map((x) => `${x.kind}: ${x.what}`);
    expect(what).toEqual(
      expect.arrayContaining([
        'function: rate -> irate (1st)',
        'function: irate -> rate (1st)',
        'matcher: drop status=~"5.." (1st)',
        'matcher: status=~"5..": =~ -> !~ (1st)',
        'grouping: drop by (job) (1st)',
        'window-swap: [6h] <-> [1h] (1st)',
        'comparison: > -> >= (1st)',
        'threshold: 0 -> 1 (1st)',
        'arithmetic: / -> * (1st)',
      ]),
    );
    expect(m.find((x) => x.what.startsWith('[6h] <-> [1h]'))!.expr).toBe('sum by (job) (rate(x_total{status=~"5..",job="a"}[1h])) / sum by (job) (irate(x_total[6h])) > 0');
    // The status value "5.." and the metric name are never edited as text.
    expect(m.every((x) => x.expr.includes('x_total'))).toBe(true);
  });

  it('for: dropped, halved and doubled', () => {
    expect(mutateFor('15m')).toEqual([
      { what: 'for: 15m -> none', for: undefined },
      { what: 'for: 15m -> 7m30s', for: '7m30s' },
      { what: 'for: 15m -> 30m', for: '30m' },
    ]);
    expect(mutateFor(undefined)).toEqual([]);
  });

  it('every mutant of every shipped rule parses, changes its file, and has a unique id', () => {
    const mutants = loadPacks(join(repo, 'alerts')).flatMap(mutantsOf);
    expect(mutants.length).toBeGreaterThan(500);
    expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
    for (const m of mutants) expect(m.text, m.id).not.toBe(m.file.text);
    for (const m of mutants.slice(0, 50)) {
      const exprs = [...m.text.matchAll(/expr: (.+)/g)].map((x) => x[1]!);
      for (const e of exprs.filter((x) => !x.startsWith('|'))) expect(parses(e), `${m.id}: ${e}`).toBe(true);
    }
  });

  it('survivors.yml gives a reason for every accepted survivor', () => {
    const accepted = acceptedSurvivors();
    for (const [id, reason] of accepted) expect(reason.length, id).toBeGreaterThan(20);
  });
});

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const havePromtool = spawnSync(PROMTOOL, ['--version']).status === 0;

describe('rule mutation with the real promtool', () => {
  if (!havePromtool) {
    const reason = `promtool not found (${PROMTOOL}); put /opt/obsctl-tools/bin on PATH or set PROMTOOL`;
    if (process.env.CI === 'true') it('promtool is installed', () => expect.fail(reason));
    else {
      console.log(`SKIPPED: rule mutation with the real promtool: ${reason}`);
      it.skip(reason, () => {});
    }
    return;
  }

  // stack/ha: the smallest pack with for:, matcher and threshold mutants (seconds).
  it('stack/ha: every mutant is killed or accepted in survivors.yml, and no accepted one is killed', async () => {
    const r = await mutationReport({ promtool: PROMTOOL, only: 'stack/ha.' });
    expect(r.brokenOriginals).toEqual([]);
    expect(r.mutants).toBeGreaterThan(10);
    expect(r.killed).toBeGreaterThan(10);
    expect(r.unexpected, 'mutants no test catches').toEqual([]);
    expect(r.stale, 'survivors.yml entries that are killed now').toEqual([]);
  }, 120_000);
});
