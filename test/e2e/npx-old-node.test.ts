// `npx obsctl` on a machine whose own Node is older than 22 (npm runs on it; obsctl runs on the
// Node 22 that the pinned `node` package brings): only obsctl's output, no `npm warn EBADENGINE`.
// npx runs a project's own bin by installing the project into its cache, where npm checked
// `engines` against the Node running npm, not the one that runs obsctl: a false alarm, so obsctl
// declares no `engines`. The real problem stays visible: obsctl itself on an old Node exits 3.
// In the e2e project (no Docker needed) because npx's first install into a fresh cache takes a
// minute on a loaded machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { packageRoot, version } from '../../src/paths.js';

const bin = path.join(packageRoot, 'dist', 'src', 'cli', 'bin.js');
const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d && !d.includes('node_modules'));

async function oldNode(): Promise<{ node: string; dir: string } | undefined> {
  for (const dir of pathDirs) {
    const node = path.join(dir, 'node');
    if (!fs.existsSync(node) || !fs.existsSync(path.join(dir, 'npx'))) continue;
    const v = await execa(node, ['--version'], { reject: false });
    if (v.exitCode === 0 && Number(String(v.stdout).replace(/^v/, '').split('.')[0]) < 22) return { node, dir };
  }
  return undefined;
}

const found = await oldNode();
const reason = !found ? 'no Node older than 22 (with npx) on PATH outside node_modules' : !fs.existsSync(bin) ? 'dist/ not built (npm run build)' : undefined;
if (reason) console.warn(`\nSKIPPED npx-old-node: ${reason}; not a pass.\n`);

describe.skipIf(Boolean(reason))('npx obsctl on a machine whose Node is older than 22', () => {
  const env: Record<string, string | undefined> = { ...process.env, PATH: [found?.dir, ...pathDirs].join(path.delimiter), NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key]; // as from a shell, not from npm test

  it('prints only the version', async () => {
    // A fresh npx cache: the warning came when npx first installed the project into it.
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-npx-cache-'));
    const r = await execa('npx', ['obsctl', '--version'], { cwd: packageRoot, env: { ...env, npm_config_cache: cache }, extendEnv: false, reject: false });
    fs.rmSync(cache, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(version);
    expect(r.exitCode).toBe(0);
  });

  it('does not hide a real problem: obsctl on the old Node exits 3 and says why', async () => {
    const r = await execa(found!.node, [bin, '--version'], { env, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/obsctl needs Node.js 22 or newer; this is v\d+/);
  });
});
