// The layout's promises, checked: `obsctl ci` reads and renders obsctl.yaml once; commands are thin
// and independent; every exit code obsctl can return is documented in --help and README.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ci } from '../src/app/ci.js';
import { loadConfig } from '../src/app/config.js';
import { ExitCode, exitCodeTable } from '../src/errors.js';
import * as renderModule from '../src/render/index.js';
import { readTextFile } from '../src/runtime/text-files.js';
import { runCli } from './helpers/cli.js';
import type { StackManifest } from '../src/render/manifest.js';
import { FakeCompose, FakeEngine, fakePorts } from './fakes/docker.js';

vi.mock('../src/render/index.js', async (original) => {
  const m = await original<typeof import('../src/render/index.js')>();
  return { ...m, render: vi.fn(m.render) };
});

describe('obsctl ci', () => {
  it('reads obsctl.yaml once and renders once for render, validate, up, verify and down', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-ci-once-'));
    const file = path.join(dir, 'obsctl.yaml');
    fs.writeFileSync(file, 'name: ci-once\ngpu: none\ngrafana: { enabled: false }\n');
    const engine = new FakeEngine();
    const reads: string[] = [];
    let manifest: () => StackManifest = () => {
      throw new Error('not rendered yet');
    };
    const ports = fakePorts(engine, () => new FakeCompose(engine, () => manifest()), {
      readText: (f) => (reads.push(f), readTextFile(f)),
      // Nothing listens here: verify's live checks fail fast; this test is about reads and renders.
      validate: async () => ({ ok: true, checks: [], tools: [], warnings: [] }),
    });
    vi.mocked(renderModule.render).mockClear();
    const loaded = loadConfig(file, { checkSecrets: false }, ports.readText);
    const render = vi.mocked(renderModule.render);
    const original = render.getMockImplementation()!;
    render.mockImplementation((...args) => {
      const r = original(...args);
      manifest = () => r.manifest;
      return r;
    });
    const { checks, simulatedGpu } = await ci(ports, loaded, { waitMs: 0, timeoutMs: 1500, keep: false });
    expect(reads.filter((f) => f === file)).toHaveLength(1);
    expect(render).toHaveBeenCalledTimes(1);
    expect(simulatedGpu).toBe('nvidia');
    expect(checks.find((c) => c.name === 'up')).toMatchObject({ status: 'pass' });
    expect(checks.some((c) => c.group === 'targets')).toBe(true); // verify ran
    expect(engine.containers).toEqual([]); // down ran
  }, 60_000);
});

describe('commands', () => {
  const dir = path.join(import.meta.dirname, '..', 'src', 'cli', 'commands');
  for (const name of fs.readdirSync(dir)) {
    it(`${name}: at most 60 lines, imports no other command module`, () => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      expect(text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length).toBeLessThanOrEqual(60);
      expect(text).not.toMatch(/from '\.\/[^']+'/);
    });
  }
});

describe('exit codes', () => {
  it('--help and README list every code obsctl returns', async () => {
    const help = await runCli(['--help']);
    const readme = fs.readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
    expect(exitCodeTable.map(([c]) => c).sort()).toEqual(Object.values(ExitCode).sort());
    for (const code of Object.values(ExitCode)) {
      expect(help.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
      expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    }
  });
});
