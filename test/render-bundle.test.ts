// The render bundle's loader (src/cli/render-bundle.ts): a CommonJS file compiled through node:vm,
// with a V8 code cache written after a run and used by the next one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRenderBundle } from '../src/cli/render-bundle.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function bundle(): { file: string; cacheDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-render-bundle-'));
  dirs.push(dir);
  const file = path.join(dir, 'render-0123.cjs');
  // What esbuild's CommonJS output relies on: require, module.exports, __filename; and a dynamic
  // import of a built-in (gpu-detect loads node:child_process so).
  fs.writeFileSync(
    file,
    [
      "const path = require('node:path');",
      'let colored;',
      'exports.configureColor = (argv) => { colored = !argv.includes("--no-color"); };',
      'exports.run = async (argv) => { const { execFile } = await import("node:child_process"); return typeof execFile === "function" && colored && path.basename(__filename) === "render-0123.cjs" ? argv.length : -1; };',
    ].join('\n'),
  );
  const cacheDir = path.join(dir, 'cache');
  fs.mkdirSync(cacheDir);
  return { file, cacheDir };
}

describe('render bundle loader', () => {
  it('runs the bundle, keeps a code cache after the run and uses it next time', async () => {
    const { file, cacheDir } = bundle();
    const first = loadRenderBundle(file, cacheDir);
    first.cli.configureColor(['render']);
    expect(await first.cli.run(['render', '--out', 'x'])).toBe(3);
    expect(fs.readdirSync(cacheDir)).toEqual([]);
    first.keepCodeCache();
    const [kept] = fs.readdirSync(cacheDir);
    expect(kept).toBe(`obsctl-render-0123-${process.version}-${process.arch}.v8-cache`);
    const written = fs.statSync(path.join(cacheDir, kept!)).mtimeMs;

    const second = loadRenderBundle(file, cacheDir);
    second.cli.configureColor(['render']);
    expect(await second.cli.run(['render'])).toBe(1);
    fs.utimesSync(path.join(cacheDir, kept!), new Date(1e9), new Date(1e9));
    second.keepCodeCache(); // accepted: not written again
    expect(fs.statSync(path.join(cacheDir, kept!)).mtimeMs).toBe(1e9);
    expect(written).toBeGreaterThan(1e9);
  });

  it('a cache V8 rejects is replaced; without a cache directory nothing is written', async () => {
    const { file, cacheDir } = bundle();
    const cacheFile = path.join(cacheDir, `obsctl-render-0123-${process.version}-${process.arch}.v8-cache`);
    fs.writeFileSync(cacheFile, 'not a V8 code cache');
    const loaded = loadRenderBundle(file, cacheDir);
    loaded.cli.configureColor([]);
    expect(await loaded.cli.run(['render'])).toBe(1);
    loaded.keepCodeCache();
    expect(fs.readFileSync(cacheFile).toString()).not.toBe('not a V8 code cache');

    const none = loadRenderBundle(file, undefined);
    none.cli.configureColor([]);
    expect(await none.cli.run(['render', 'a'])).toBe(2);
    none.keepCodeCache();
    expect(fs.readdirSync(cacheDir)).toEqual([path.basename(cacheFile)]);
  });
});
