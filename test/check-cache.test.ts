// The per-check cache (src/validate/check-cache.ts) with the real tools: a check that passed on the
// same bytes with the same tool is not run again, in any directory; anything a check reads that
// changes, or another tool, runs it again; failures are never kept; a damaged cache only costs a
// validation.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPath } from '../src/validate/versions.js';
import { KEEP_UNUSED_MS } from '../src/validate/check-cache.js';
import { createExecaToolRunner, dirCheckCache, userCheckCache, validateStack, type Check, type ToolRunner } from '../src/validate/index.js';
import { missingTools, requireToolsInCi } from './helpers/tools.js';

const VALID = path.join(import.meta.dirname, 'fixtures', 'validate', 'valid');
const GOLDEN = path.join(import.meta.dirname, 'golden', 'nvidia-remote-write', 'expected');
const missing = await missingTools();
requireToolsInCi(missing);
if (missing.length) console.warn(`check-cache.test.ts: skipping real-tool tests, missing ${missing.join(', ')}`);

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'obsctl-check-cache-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
const fresh = (name: string) => path.join(scratch, `${name}-${n++}`);
function copy(from: string, name: string): string {
  const dir = fresh(name);
  cpSync(from, dir, { recursive: true });
  return dir;
}
function countingRunner(env: NodeJS.ProcessEnv = process.env): ToolRunner & { lines: string[] } {
  const inner = createExecaToolRunner({ baseEnv: env });
  const lines: string[] = [];
  return { lines, run: (cmd, args, opts) => (lines.push([cmd, ...args].join(' ')), inner.run(cmd, args, opts)) };
}
const TOOL_CHECKS = ['promtool check config', 'promtool check rules', 'promtool test rules', 'amtool check-config', 'docker compose config'];
const toolChecks = (checks: Check[]) => checks.filter((c) => TOOL_CHECKS.includes(c.name));
const strip = ({ cached: _, ...c }: Check) => c;

describe.skipIf(missing.length > 0)('check cache (real tools)', () => {
  it('the same bytes in another directory: no process at all, the same passing checks, marked cached', async () => {
    const cache = dirCheckCache(fresh('cache'));
    const first = countingRunner();
    const a = await validateStack(copy(VALID, 'a'), { strict: true, tools: first, cache });
    expect(a.ok).toBe(true);
    expect(first.lines.length).toBeGreaterThan(5);
    expect(toolChecks(a.checks).every((c) => !c.cached)).toBe(true);

    const second = countingRunner();
    const b = await validateStack(copy(VALID, 'b'), { strict: true, tools: second, cache });
    expect(second.lines).toEqual([]); // probes included: kept under the tools' identity
    expect(b.ok).toBe(true);
    expect(toolChecks(b.checks).map((c) => c.cached)).toEqual(toolChecks(a.checks).map(() => true));
    expect(b.checks.map(strip)).toEqual(a.checks);
    expect(b.tools).toEqual(a.tools);
  });

  it('a changed rule file runs again exactly the checks that read it', async () => {
    const cache = dirCheckCache(fresh('cache'));
    await validateStack(copy(GOLDEN, 'full'), { strict: true, cache });
    const dir = copy(GOLDEN, 'changed');
    const rules = path.join(dir, 'prometheus/rules/host-node.rules.yml');
    writeFileSync(rules, `${readFileSync(rules, 'utf8')}# a comment changes the bytes\n`);
    const runner = countingRunner();
    const report = await validateStack(dir, { strict: true, tools: runner, cache });
    expect(report.ok).toBe(true);
    expect(runner.lines.map((l) => l.replaceAll(dir, 'DIR')).sort()).toEqual([
      'docker compose -f DIR/compose.yaml --project-directory DIR config -q', // reads every file of the stack
      'promtool check config --syntax-only prometheus/prometheus.yml', // reads everything under prometheus/ but the tests
      'promtool check rules prometheus/rules/host-node.rules.yml',
      'promtool test rules prometheus/tests/host-node.test.yml',
    ]);
    expect(report.checks.filter((c) => TOOL_CHECKS.includes(c.name) && !c.cached).map((c) => `${c.name} ${c.file}`).sort()).toEqual([
      'docker compose config compose.yaml',
      'promtool check config prometheus/prometheus.yml',
      'promtool check rules prometheus/rules/host-node.rules.yml',
      'promtool test rules prometheus/tests/host-node.test.yml',
    ]);
    // obsctl's own checks likewise: the PromQL of that file is parsed again, nothing else.
    expect(report.checks.filter((c) => !TOOL_CHECKS.includes(c.name) && !c.cached).map((c) => `${c.name} ${c.file}`).sort()).toEqual([
      'prometheus rule_files prometheus/prometheus.yml', // in process and cheap: never kept
      'promql parse prometheus/rules/host-node.rules.yml',
    ]);
  });

  it('a failing check is never kept: run again and shown again', async () => {
    const cache = dirCheckCache(fresh('cache'));
    const dir = copy(VALID, 'failing');
    cpSync(path.join(import.meta.dirname, 'fixtures', 'validate', 'broken', 'failing-rule-test'), dir, { recursive: true });
    for (let i = 0; i < 2; i++) {
      const runner = countingRunner();
      const report = await validateStack(dir, { strict: true, tools: runner, cache });
      const failed = report.checks.filter((c) => c.status === 'fail');
      expect(failed.map((c) => `${c.name} ${c.file} ${c.cached ?? ''}`)).toEqual(['promtool test rules prometheus/tests/gpu-temperature.test.yml ']);
      expect(failed[0]!.detail).toContain('alertname: GpuTemperatureHigh');
      expect(runner.lines).toContain('promtool test rules prometheus/tests/gpu-temperature.test.yml');
    }
  });

  it('a damaged cache costs only a validation', async () => {
    const root = fresh('cache');
    const cache = dirCheckCache(root);
    await validateStack(copy(VALID, 'x'), { strict: true, cache });
    const entries = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(entries.length).toBeGreaterThan(5);
    entries.forEach((e, i) => writeFileSync(path.join(e.parentPath, e.name), i % 2 ? '{"status":"pass"' : '{"name":"promtool check rules","status":"fail"}'));
    const runner = countingRunner();
    const report = await validateStack(copy(VALID, 'y'), { strict: true, tools: runner, cache });
    expect(report.ok).toBe(true);
    expect(report.checks.some((c) => c.cached)).toBe(false);
    expect(runner.lines.length).toBeGreaterThan(5);
  });

  it('another promtool (another path to it) runs the promtool checks again, not the others', async () => {
    const root = fresh('cache');
    await validateStack(copy(VALID, 'tool-a'), { strict: true, cache: dirCheckCache(root) });
    const bin = fresh('bin');
    mkdirSync(bin);
    symlinkSync(onPath('promtool'), path.join(bin, 'promtool'));
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const runner = countingRunner(env);
    const report = await validateStack(copy(VALID, 'tool-b'), { strict: true, tools: runner, cache: dirCheckCache(root, env) });
    expect(report.ok).toBe(true);
    expect(runner.lines.sort()).toEqual([
      'promtool --version',
      'promtool check config --syntax-only prometheus/prometheus.yml',
      'promtool check rules prometheus/rules/gpu-temperature.rules.yml',
      'promtool test rules prometheus/tests/gpu-temperature.test.yml',
    ]);
    expect(report.checks.filter((c) => c.cached).map((c) => c.name).sort()).toEqual(['amtool check-config', 'compose schema', 'docker compose config', 'promql parse', 'promql parse']);
  });
});

describe('userCheckCache: where the cache lives', () => {
  it('OBSCTL_CACHE_DIR, then XDG_CACHE_HOME/obsctl, then ~/.cache/obsctl; OBSCTL_CACHE_DIR= turns it off', async () => {
    const base = fresh('where');
    const put = async (env: NodeJS.ProcessEnv) => {
      await userCheckCache(env)!.put('ab12', { status: 'pass' });
    };
    await put({ OBSCTL_CACHE_DIR: path.join(base, 'own'), XDG_CACHE_HOME: path.join(base, 'xdg'), HOME: path.join(base, 'home') });
    await put({ XDG_CACHE_HOME: path.join(base, 'xdg'), HOME: path.join(base, 'home') });
    await put({ HOME: path.join(base, 'home') });
    expect(readdirSync(base, { recursive: true }).filter((f) => String(f).endsWith('.json')).sort()).toEqual([
      'home/.cache/obsctl/checks/ab/ab12.json',
      'own/checks/ab/ab12.json',
      'xdg/obsctl/checks/ab/ab12.json',
    ]);
    expect(userCheckCache({ OBSCTL_CACHE_DIR: '', HOME: base })).toBeUndefined();
  });

  it('prune drops entries unused for a month and dead half-writes, at most once a day; a read counts as use', async () => {
    const root = fresh('prune');
    const cache = dirCheckCache(root);
    const now = Date.now();
    const old = new Date(now - KEEP_UNUSED_MS - 60_000);
    for (const key of ['aa01', 'aa02', 'bb03']) await cache.put(key, { status: 'pass' });
    const entry = (key: string) => path.join(root, key.slice(0, 2), `${key}.json`);
    for (const key of ['aa01', 'aa02', 'bb03']) utimesSync(entry(key), old, old);
    writeFileSync(path.join(root, 'bb', 'bb03.json.1.dead.tmp'), '{');
    utimesSync(path.join(root, 'bb', 'bb03.json.1.dead.tmp'), old, old);
    expect(await cache.get('aa02')).toEqual({ status: 'pass' }); // used now
    await new Promise((r) => setTimeout(r, 50)); // the touch of get() is not awaited
    await cache.prune!(now);
    expect(['aa01', 'aa02', 'bb03'].filter((k) => existsSync(entry(k)))).toEqual(['aa02']);
    expect(readdirSync(path.join(root, 'bb'))).toEqual([]);
    // within a day of the last prune nothing is looked at
    utimesSync(entry('aa02'), old, old);
    await cache.prune!(now + 60_000);
    expect(existsSync(entry('aa02'))).toBe(true);
    await cache.prune!(now + 2 * 86_400_000);
    expect(existsSync(entry('aa02'))).toBe(false);
  });

  it('the tests run with a cache of their own, not the home directory', () => {
    expect(process.env.OBSCTL_CACHE_DIR).toContain('obsctl-test-cache-');
  });
});
