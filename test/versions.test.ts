// Which validator versions ran, and the major-version comparison with the pinned images, against
// the real promtool/amtool on PATH (.ci/install-tools.sh: promtool 3.5, amtool 0.33, amtool-0.28).
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateStack } from '../src/validate/index.js';
import { imageTagVersion, parseVersion } from '../src/validate/versions.js';
import { runCli } from './helpers/cli.js';

const GOLDEN = path.join(import.meta.dirname, 'golden');
// The small valid fixture stack (one rule file): the full goldens are validated in golden.test.ts.
const VALID = path.join(import.meta.dirname, 'fixtures', 'validate', 'valid');
const version = (cmd: string) => parseVersion(spawnSync(cmd, ['--version'], { encoding: 'utf8' }).stdout ?? '');
const promtool = version('promtool');
const amtool = version('amtool');
const missing = !promtool || !amtool;
if (missing && process.env.CI !== 'true') console.warn('versions.test.ts: SKIPPED real-tool tests: promtool or amtool not on PATH (run .ci/install-tools.sh)');

describe('version parsing', () => {
  it('reads tool and image versions', () => {
    expect(parseVersion('promtool, version 3.5.3+ds1 (branch: debian/sid, revision: 3.5.3+ds1-6)')).toBe('3.5.3');
    expect(parseVersion('amtool, version 0.33.1 (branch: debian/sid)')).toBe('0.33.1');
    expect(parseVersion('docker compose 2.26.1')).toBe('2.26.1');
    expect(imageTagVersion('prom/prometheus:v3.5.0')).toBe('3.5.0');
    expect(imageTagVersion('obsctl-test/prometheus:3.5')).toBe('3.5');
    expect(imageTagVersion('127.0.0.1:5000/prom/prometheus:v2.53.0@sha256:abc')).toBe('2.53.0');
    expect(imageTagVersion('127.0.0.1:5000/prom/prometheus@sha256:abc')).toBeUndefined();
    expect(imageTagVersion('node:22-alpine')).toBeUndefined();
  });
});

describe.skipIf(missing && process.env.CI !== 'true')('validator versions against the pinned images (real tools)', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'obsctl-versions-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validate reports promtool 3.x and amtool 0.33, the versions users run, with their paths', async () => {
    const report = await validateStack(VALID, { strict: true });
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    const byName = Object.fromEntries(report.tools.map((t) => [t.name, t]));
    expect(byName.promtool?.version).toMatch(/^3\.5\./);
    expect(byName.promtool?.path).toMatch(/\/promtool$/);
    expect(byName.amtool?.version).toMatch(/^0\.(3[3-9]|[4-9]\d)\./);
    expect(byName['docker compose']?.version).toMatch(/^2\./);
    expect(report.warnings).toEqual([]);
  });

  it('the pinned Alertmanager (0.28) accepts every golden config too, so 0.28 -> 0.33 is safe both ways', async () => {
    const old = spawnSync('amtool-0.28', ['--version'], { encoding: 'utf8' });
    if (old.status !== 0) {
      if (process.env.CI === 'true') throw new Error('amtool-0.28 missing: .ci/install-tools.sh installs it');
      console.warn('versions.test.ts: amtool-0.28 not on PATH: the 0.28 check did not run');
      return;
    }
    for (const name of ['defaults', 'gb10-slack', 'cpu-only', 'nvidia-remote-write']) {
      const r = spawnSync('amtool-0.28', ['check-config', 'alertmanager/alertmanager.yml'], { cwd: path.join(GOLDEN, name, 'expected'), encoding: 'utf8' });
      expect(r.status, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it('a stack pinned to Prometheus 2.53 validated by promtool 3 is a warning, and a failure under --strict', async () => {
    const stack = path.join(dir, 'old-pin');
    await cp(VALID, stack, { recursive: true });
    const compose = path.join(stack, 'compose.yaml');
    await writeFile(compose, (await readFile(compose, 'utf8')).replace('prom/prometheus:v3.5.0', 'prom/prometheus:v2.53.0'));
    const lax = await validateStack(stack, { strict: false });
    expect(lax.ok).toBe(true);
    expect(lax.warnings).toEqual([expect.stringContaining(`promtool ${promtool} checked a stack that runs prom/prometheus:v2.53.0 (major version 2)`)]);
    const strict = await validateStack(stack, { strict: true });
    expect(strict.ok).toBe(false);
    expect(strict.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(['tool versions']);
  });

  it('obsctl validate --json lists each tool with version and path; the human output has one versions line', async () => {
    const json = await runCli(['validate', '--json', '--dir', VALID]);
    expect(json.code).toBe(0);
    const tools = (JSON.parse(json.stdout) as { tools: { name: string; version: string; path: string }[] }).tools;
    expect(tools.map((t) => t.name).sort()).toEqual(['amtool', 'docker compose', 'promtool']);
    for (const t of tools) expect(t.path).toMatch(/^\//);
    const human = await runCli(['validate', '--dir', VALID]);
    const lines = human.stdout.split('\n').filter((l) => l.startsWith('versions: '));
    expect(lines).toEqual([`versions: promtool ${promtool}, amtool ${amtool}, docker compose ${tools.find((t) => t.name === 'docker compose')!.version}`]);
  });
});
