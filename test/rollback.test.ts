// Rollback to the last good stack, with a FAKE Engine and Compose (test/fakes/docker.ts: a service
// whose image never becomes healthy fails `up --wait` as Compose does); the config loader,
// renderer and the stack writer on a temporary directory are real. The real engine: test/e2e/faults.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { lastGoodDir, rollback } from '../src/app/rollback.js';
import { prepareStack } from '../src/app/stack.js';
import { up } from '../src/app/up.js';
import { UserError } from '../src/errors.js';
import { readManifest } from '../src/runtime/stack-dir.js';
import { FakeCompose, FakeEngine, fakePorts } from './fakes/docker.js';

const good = 'name: rbtest\ngpu: none\ngrafana: { enabled: false }\n';
const bad = `${good}images:\n  prometheus: example.org/broken/prometheus:crashes\n`;

function project() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-rollback-'));
  const file = path.join(dir, 'obsctl.yaml');
  const engine = new FakeEngine();
  const compose = new FakeCompose(engine, () => readManifest(path.join(dir, '.obsctl', 'stack'))!);
  compose.unhealthy.add('example.org/broken/prometheus:crashes');
  const ports = fakePorts(engine, () => compose);
  const run = async (yaml: string, options: { rollback?: boolean } = {}) => {
    fs.writeFileSync(file, yaml);
    const loaded = loadConfig(file, { checkSecrets: false }, ports.readText);
    const stack = await prepareStack(ports, loaded, {});
    for (const i of stack.result.manifest.images) engine.present.set(i, 'amd64');
    return up(ports, loaded, stack, { timeout: 30, ...options });
  };
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as UserError);
  return { dir, file, engine, ports, run, failure, stackDir: path.join(dir, '.obsctl', 'stack') };
}

describe('rollback to the last good stack (fake Engine and Compose)', () => {
  it('a healthy up keeps its stack as the last good one', async () => {
    const p = project();
    await p.run(good);
    const kept = readManifest(lastGoodDir(p.stackDir))!;
    expect(kept.images).toContain('prom/prometheus:v3.5.0');
    expect(fs.readFileSync(path.join(lastGoodDir(p.stackDir), 'compose.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(p.stackDir, 'compose.yaml'), 'utf8'));
  });

  it('a new stack that does not become healthy: the last good one is restored and healthy, exit 1, both reported', async () => {
    const p = project();
    await p.run(good);
    const e = await p.failure(p.run(bad));
    expect(e).toBeInstanceOf(UserError);
    expect([e!.code, e!.exitCode]).toEqual(['UP_ROLLED_BACK', 1]);
    const text = e!.details.join('\n');
    expect(text).toContain('container rbtest-prometheus-1 is unhealthy');
    expect(text).toContain('prometheus: running (unhealthy)'); // diagnosis of the failed stack
    expect(text).toContain('rolled back: the last good stack of rbtest is running again and healthy');
    expect(p.engine.containers.map((c) => `${c.service} ${c.image} ${c.health}`)).toContain('prometheus prom/prometheus:v3.5.0 healthy');
    // The stack directory is the last good one again; the last good one is unchanged.
    expect(readManifest(p.stackDir)!.images).not.toContain('example.org/broken/prometheus:crashes');
    expect(readManifest(lastGoodDir(p.stackDir))!.images).not.toContain('example.org/broken/prometheus:crashes');
  });

  it('--no-rollback leaves the failing stack in place (UP_FAILED)', async () => {
    const p = project();
    await p.run(good);
    const e = await p.failure(p.run(bad, { rollback: false }));
    expect(e!.code).toBe('UP_FAILED');
    expect(p.engine.containers.find((c) => c.service === 'prometheus')!.image).toBe('example.org/broken/prometheus:crashes');
  });

  it('without a last good stack (first up fails) it only reports the failure', async () => {
    const p = project();
    expect((await p.failure(p.run(bad)))!.code).toBe('UP_FAILED');
  });

  it('obsctl rollback by hand restores the last good stack; with none it says so (exit 2)', async () => {
    const p = project();
    const loaded = () => loadConfig(p.file, { checkSecrets: false }, p.ports.readText);
    fs.writeFileSync(p.file, good);
    expect(((await p.failure(rollback(p.ports, loaded(), { timeout: 30 }))) as UserError).code).toBe('NO_LAST_GOOD');
    await p.run(good);
    await p.failure(p.run(bad, { rollback: false }));
    const r = await rollback(p.ports, loaded(), { timeout: 30 });
    expect(r.ok).toBe(true);
    expect(p.engine.containers.find((c) => c.service === 'prometheus')!.image).toBe('prom/prometheus:v3.5.0');
  });
});
