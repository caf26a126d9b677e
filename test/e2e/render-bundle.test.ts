// `obsctl render` runs from its own CommonJS bundle with a V8 code cache (src/cli/render-bundle.ts,
// scripts/bundle-cli.mjs): the built CLI must render exactly what the ES-module build renders, on
// a cold run (no code cache yet) and on one that uses the cache. No Docker needed.
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, repoRoot } from './harness.js';

const cli = path.join(repoRoot, 'dist', 'src', 'cli');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-render-bundle-e2e-'));
const cacheDir = path.join(work, 'compile-cache');
const env = { NO_COLOR: '1', NODE_COMPILE_CACHE: cacheDir };

beforeAll(buildOnce, 600_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The render bundle's way (bin.js render) and the ES-module way (main.js' run), same arguments. */
async function both(dir: string, args: string[]) {
  const bundle = await execa(process.execPath, [path.join(cli, 'bin.js'), 'render', '--out', 'a', '--json', ...args], { cwd: dir, env, reject: false });
  const main = path.join(cli, 'chunks', fs.readdirSync(path.join(cli, 'chunks')).find((f) => /^main-\w+\.js$/.test(f))!);
  const esm = await execa(process.execPath, ['--input-type=module', '-e', 'const { run } = await import(process.argv[1]); process.exitCode = await run(process.argv.slice(2));', main, 'render', '--out', 'b', '--json', ...args], { cwd: dir, env, reject: false });
  return { bundle, esm };
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

const golden = path.join(repoRoot, 'test', 'golden');
const cases = fs.readdirSync(golden).flatMap((name) => {
  const hosts = name === 'ha-central' ? ['central-1', 'spark-a'] : [undefined];
  return hosts.flatMap((host) => [[], ['--simulate-gpu', 'gb10']].map((extra) => ({ name, args: [...(host ? ['--host', host] : []), ...extra] })));
});

describe('render bundle', () => {
  it.each(cases)('$name $args: the same files and answer as the ES-module build, cold and with its code cache', async ({ name, args }) => {
    const dir = fs.mkdtempSync(path.join(work, `${name}-`));
    const config = path.join(golden, name, 'obsctl.yaml');
    if (fs.existsSync(config)) fs.copyFileSync(config, path.join(dir, 'obsctl.yaml'));
    for (const round of ['cold', 'cached']) {
      const { bundle, esm } = await both(dir, args);
      expect(bundle.exitCode, `${round}: ${bundle.stderr}`).toBe(0);
      expect(esm.exitCode, esm.stderr).toBe(0);
      const answer = (s: string) => ({ ...JSON.parse(s), dir: undefined });
      expect(answer(String(bundle.stdout))).toEqual(answer(String(esm.stdout)));
      expect(tree(path.join(dir, 'a'))).toEqual(tree(path.join(dir, 'b')));
      expect(Object.keys(tree(path.join(dir, 'a'))).length).toBeGreaterThan(3); // an agent host has a handful
      expect((fs.readdirSync(cacheDir, { recursive: true }) as string[]).some((f) => /(^|\/)obsctl-render-\w+-v[\d.]+-\w+\.v8-cache$/.test(f))).toBe(true); // beside Node's own
      fs.rmSync(path.join(dir, 'a'), { recursive: true });
      fs.rmSync(path.join(dir, 'b'), { recursive: true });
    }
  });

  it('a usage error and an invalid config are reported as by the ES-module build', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'errors-'));
    fs.writeFileSync(path.join(dir, 'obsctl.yaml'), 'name: x\nports: {prometheus: 70000}\n');
    const invalid = await both(dir, []);
    expect(invalid.bundle.exitCode).toBe(2);
    expect(invalid.bundle.stderr).toBe(String(invalid.esm.stderr));
    const usage = await both(dir, ['--bogus']);
    expect(usage.bundle.exitCode).toBe(2);
    expect(usage.bundle.stderr).toBe(String(usage.esm.stderr));
  });
});
