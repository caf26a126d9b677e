// Issue 13's corpus in the unit suite: a few hundred generated bad and odd obsctl.yaml files
// (seeded, every class), each rendered in-process. 0 crashes, 0 stack traces, 0 writes on failure,
// 0 false rejections, every config error at obsctl.yaml:LINE:COL. The full corpus (1,500 cases,
// through the built CLI with a hang timeout) is `npm run corpus`.
import { describe, expect, it } from 'vitest';
import { generateCorpus } from './corpus/generate.js';
import { formatReport, runCorpus } from './corpus/runner.js';
import { runCli } from './helpers/cli.js';

const SEED = 1313;

describe('generated hostile-input corpus (in-process)', () => {
  it('covers every class with at least 300 cases and is the same for the same seed', () => {
    const a = generateCorpus(SEED, 400);
    expect(new Set(a.map((c) => c.cls)).size).toBeGreaterThanOrEqual(16);
    expect(generateCorpus(SEED, 50).map((c) => c.content?.toString())).toEqual(a.slice(0, 50).map((c) => c.content?.toString()));
  });

  it('has no crash, stack trace, raw control character, write on failure or false rejection', async () => {
    // Files at the size limit cost seconds each on a loaded machine: they run nightly
    // (npm run corpus) and in test/hostile-input.test.ts, not here.
    const cases = generateCorpus(SEED, 360).filter((c) => c.cls !== 'huge');
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const report = await runCorpus(cases, async (args) => {
      const started = performance.now();
      const r = await runCli(args);
      return { ...r, ms: performance.now() - started };
    }, { hangMs: 60_000, concurrency: 1 });
    if (report.failures.length) console.log(formatReport(report));
    expect(report.failures).toEqual([]);
    expect(report.byClass['valid-mutation']!.rendered).toBe(report.byClass['valid-mutation']!.cases);
  }, 600_000);
});
