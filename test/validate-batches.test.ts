// promtool runs batched (src/validate/promtool.ts): every rule file in one `promtool check rules`,
// the unit tests in one `promtool test rules` per core; a failure is still one file's check with
// exactly the output a lone promtool run of that file gives. Real promtool, amtool, docker compose
// on a full rendered stack (the nvidia-remote-write golden tree).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecaToolRunner, validateStack, type Check, type ToolRunner } from '../src/validate/index.js';
import { batchesByCost, durationMs, testFileCost } from '../src/validate/test-cost.js';
import { lanedRunner, toolOutput, toolParallelism } from '../src/validate/tools.js';
import { missingTools, requireToolsInCi } from './helpers/tools.js';

const GOLDEN = path.join(import.meta.dirname, 'golden', 'nvidia-remote-write', 'expected');
const missing = await missingTools();
requireToolsInCi(missing);
if (missing.length) console.warn(`validate-batches.test.ts: skipping real-tool tests, missing ${missing.join(', ')}`);

function countingRunner(): ToolRunner & { lines: string[] } {
  const inner = createExecaToolRunner();
  const lines: string[] = [];
  return { lines, run: (cmd, args, opts) => (lines.push([cmd, ...args].join(' ')), inner.run(cmd, args, opts)) };
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'obsctl-batches-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function stackCopy(name: string): string {
  const dir = path.join(scratch, name);
  cpSync(GOLDEN, dir, { recursive: true });
  return dir;
}
const edit = (dir: string, file: string, f: (s: string) => string) => writeFileSync(path.join(dir, file), f(readFileSync(path.join(dir, file), 'utf8')));
const failed = (checks: Check[]) => checks.filter((c) => c.status !== 'pass').map((c) => `${c.name} ${c.file}`);

describe.skipIf(missing.length > 0)('batched promtool runs (real tools)', () => {
  it('a clean stack: one check rules process, one test process per core, a check per file', async () => {
    const runner = countingRunner();
    const report = await validateStack(GOLDEN, { strict: true, tools: runner });
    expect(failed(report.checks)).toEqual([]);
    const rules = report.checks.filter((c) => c.name === 'promtool check rules').map((c) => c.file);
    const tests = report.checks.filter((c) => c.name === 'promtool test rules').map((c) => c.file);
    const listed = (sub: string) => readdirSync(path.join(GOLDEN, 'prometheus', sub)).map((f) => `prometheus/${sub}/${f}`);
    expect(rules).toEqual(listed('rules'));
    expect(tests).toEqual(listed('tests'));
    expect(rules.length).toBeGreaterThan(10);
    for (const c of report.checks.filter((x) => x.name === 'promtool check rules')) expect(c.detail).toMatch(/^SUCCESS: \d+ rules found$/);
    for (const c of report.checks.filter((x) => x.name === 'promtool test rules')) expect(c.detail).toBe('SUCCESS');
    expect(runner.lines.filter((l) => l.startsWith('promtool check rules'))).toHaveLength(1);
    const testRuns = runner.lines.filter((l) => l.startsWith('promtool test rules'));
    expect(testRuns.length).toBeGreaterThanOrEqual(1);
    expect(testRuns.length).toBeLessThanOrEqual(toolParallelism());
    // every test file in exactly one of them
    expect(testRuns.flatMap((l) => l.split(' ').slice(3)).sort()).toEqual([...tests].sort());
  });

  it('a broken alert fails only its own test file, with the output promtool gives for that file alone', async () => {
    const dir = stackCopy('broken-alert');
    // Watchdog never fires any more: its unit test must say so.
    edit(dir, 'prometheus/rules/stack-watchdog.rules.yml', (s) => s.replace('expr: vector(1)', 'expr: vector(1) > 2'));
    const report = await validateStack(dir, { strict: true });
    const file = 'prometheus/tests/stack-watchdog.test.yml';
    expect(failed(report.checks)).toEqual([`promtool test rules ${file}`]);
    const alone = spawnSync('promtool', ['test', 'rules', file], { cwd: dir, encoding: 'utf8' });
    expect(alone.status).toBe(1);
    const check = report.checks.find((c) => c.name === 'promtool test rules' && c.file === file)!;
    expect(check.detail).toBe(`${file}:\n${toolOutput({ stdout: alone.stdout, stderr: alone.stderr, exitCode: 1 })}`);
    expect(check.detail).toContain('alertname: Watchdog');
  });

  it('a rule file promtool rejects fails its own check rules (and the test that loads it) with its own output', async () => {
    const dir = stackCopy('broken-rules');
    const file = 'prometheus/rules/host-node.rules.yml';
    edit(dir, file, (s) => s.replace(/expr: .*/, 'expr: rate(node_cpu_seconds_total[5m]'));
    const report = await validateStack(dir, { strict: true });
    expect(failed(report.checks).sort()).toEqual([
      'promql parse prometheus/rules/host-node.rules.yml',
      `promtool check rules ${file}`,
      'promtool test rules prometheus/tests/host-node.test.yml',
    ]);
    const alone = spawnSync('promtool', ['check', 'rules', file], { cwd: dir, encoding: 'utf8' });
    const check = report.checks.find((c) => c.name === 'promtool check rules' && c.file === file)!;
    expect(check.detail).toBe(toolOutput({ stdout: alone.stdout, stderr: alone.stderr, exitCode: alone.status ?? 1 }));
    expect(check.detail).toContain(file);
  });
});

describe('test-cost: spreading test files over processes', () => {
  it('reads Prometheus durations', () => {
    expect(durationMs('6h30m')).toBe(23_400_000);
    expect(durationMs('90s')).toBe(90_000);
    expect(durationMs('1d')).toBe(86_400_000);
    expect(durationMs('soon')).toBeUndefined();
    expect(durationMs(5)).toBeUndefined();
  });

  it('costs steps to the latest eval_time of each group times the rules evaluated', () => {
    const doc = { evaluation_interval: '1m', tests: [{ alert_rule_test: [{ eval_time: '10m' }] }, { promql_expr_test: [{ eval_time: '2h' }] }] };
    const rules = '- alert: A\n  expr: x\n- record: b\n  expr: y\n';
    expect(testFileCost(doc, [rules])).toBe(11 * 2 + 50 + (121 * 2 + 50));
    expect(testFileCost({ ...doc, evaluation_interval: '2m' }, [rules])).toBe(6 * 2 + 50 + (61 * 2 + 50));
  });

  it('balances batches, longest first, keeping the order inside each', () => {
    const items = [
      { item: 'a', cost: 1 },
      { item: 'b', cost: 10 },
      { item: 'c', cost: 4 },
      { item: 'd', cost: 5 },
      { item: 'e', cost: 2 },
    ];
    expect(batchesByCost(items, 2)).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    expect(batchesByCost(items, 1)).toEqual([['a', 'b', 'c', 'd', 'e']]);
    expect(batchesByCost(items.slice(0, 2), 8)).toEqual([['b'], ['a']]);
    expect(batchesByCost([], 2)).toEqual([]);
  });
});

describe('tool lanes: the short checks do not wait behind the unit tests', () => {
  /** A runner whose runs end when the test says so; `started` lists them as they start. */
  function heldRunner() {
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const runner: ToolRunner = {
      run: (cmd, args) =>
        new Promise((resolve) => {
          const line = [cmd, ...args].join(' ');
          started.push(line);
          release.set(line, () => resolve({ exitCode: 0, stdout: '', stderr: '' }));
        }),
    };
    return { runner, started, release: (line: string) => release.get(line)!() };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  it('with every core busy with unit tests, a short check still starts; each lane keeps its own limit', async () => {
    const { runner, started, release } = heldRunner();
    const laned = lanedRunner(runner, 2);
    const long = { cwd: '.', lane: 'long' as const };
    const runs = [
      laned.run('promtool', ['test', 'rules', 'a'], long),
      laned.run('promtool', ['test', 'rules', 'b'], long),
      laned.run('promtool', ['test', 'rules', 'c'], long),
      laned.run('promtool', ['check', 'config'], { cwd: '.' }),
      laned.run('amtool', ['check-config'], { cwd: '.' }),
      laned.run('docker', ['compose', 'config', '-q'], { cwd: '.' }),
    ];
    await tick();
    expect(started).toEqual(['promtool test rules a', 'promtool test rules b', 'promtool check config', 'amtool check-config']);
    release('promtool check config');
    await tick();
    expect(started.slice(4)).toEqual(['docker compose config -q']);
    release('promtool test rules a');
    await tick();
    expect(started.slice(5)).toEqual(['promtool test rules c']);
    for (const line of ['promtool test rules b', 'promtool test rules c', 'amtool check-config', 'docker compose config -q']) release(line);
    expect((await Promise.all(runs)).every((r) => r.exitCode === 0)).toBe(true);
  });
});
