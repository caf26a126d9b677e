// up = plan + apply, with a FAKE Engine and Compose (test/fakes/docker.ts) and everything else
// real: the real config loader and renderer, the real stack writer on a temporary directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { renderMemoFile } from '../src/app/render-memo.js';
import { prepareStack } from '../src/app/stack.js';
import { applyUp } from '../src/app/up.js';
import { hasChanges, planUp, type UpPlan } from '../src/app/up-plan.js';
import type { StackManifest } from '../src/render/manifest.js';
import { writeTextFile } from '../src/runtime/text-files.js';
import { FakeCompose, FakeEngine, fakePorts } from './fakes/docker.js';

const base = `name: plantest
gpu: none
grafana: { enabled: false }
`;

/** A project whose stack is up: rendered, written and running (fake containers), as after `obsctl up`. */
async function running(yaml = base) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-plan-'));
  const file = path.join(dir, 'obsctl.yaml');
  fs.writeFileSync(file, yaml);
  const engine = new FakeEngine();
  const composeCalls: string[] = [];
  let desired: () => StackManifest = () => {
    throw new Error('not rendered yet');
  };
  const ports = fakePorts(engine, () => {
    const compose = new FakeCompose(engine, () => desired());
    compose.calls = composeCalls;
    return compose;
  });
  ports.writeText = writeTextFile; // the real file: which secret values Compose last ran with
  const load = async () => {
    const loaded = loadConfig(file, { checkSecrets: false }, ports.readText);
    const stack = await prepareStack(ports, loaded, {});
    desired = () => stack.result.manifest;
    return { loaded, stack };
  };
  const first = await load();
  ports.stackFiles.apply(first.stack.dir, first.stack.result.files, ports.stackFiles.plan(first.stack.dir, first.stack.result.files));
  engine.runStack(first.stack.result.manifest);
  const change = async (edit: (text: string) => string, pull?: 'never') => {
    fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    const next = await load();
    return { ...next, plan: await planUp(ports, next.loaded, next.stack, pull ? { pull } : {}) };
  };
  return { engine, ports, change, composeCalls };
}

const actions = (plan: UpPlan) => Object.fromEntries(plan.services.map((s) => [s.service, s.action === 'recreate' ? `recreate (${s.reasons.join(', ')})` : s.action]));

describe("up's plan (fake Engine and Compose)", () => {
  it('no change: nothing created, recreated, reloaded or written', async () => {
    const { change } = await running();
    const { plan } = await change((t) => t);
    expect(actions(plan)).toEqual({ alertmanager: 'keep', 'node-exporter': 'keep', prometheus: 'keep' });
    expect(plan.files.create.length + plan.files.update.length + plan.files.remove.length).toBe(0);
    expect(plan.pull).toEqual([]);
    expect(plan.refusal).toBeUndefined();
    expect(hasChanges(plan)).toBe(false);
  });

  it('no change on a healthy stack: settled, no preflight, and apply runs Compose only the first time (then never again)', async () => {
    const { change, ports, composeCalls } = await running();
    const { plan, loaded, stack } = await change((t) => t);
    expect(plan.settled).toBe(true);
    expect(plan.preflight).toEqual([]);
    await applyUp(ports, loaded, stack, plan, { timeout: 30 }); // no record yet of the secret values Compose ran with
    expect(composeCalls).toEqual(['up']);
    const again = await change((t) => t);
    const summary = await applyUp(ports, again.loaded, again.stack, again.plan, { timeout: 30 });
    expect(composeCalls).toEqual(['up']);
    expect(summary.services.map((s) => s.health)).toEqual(['healthy', 'healthy', 'healthy']);
  });

  it('a first up from nothing keeps its render, so the no-change up after it does not render again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-plan-'));
    const file = path.join(dir, 'obsctl.yaml');
    fs.writeFileSync(file, base);
    const engine = new FakeEngine();
    let manifest: StackManifest | undefined;
    const ports = fakePorts(engine, () => new FakeCompose(engine, () => manifest!));
    const build = globalThis as { __obsctlBuildId?: string };
    build.__obsctlBuildId = 'test-build'; // the memo is kept only by a built obsctl
    try {
      const loaded = loadConfig(file, { checkSecrets: false }, ports.readText);
      const stack = await prepareStack(ports, loaded, {});
      manifest = stack.result.manifest;
      expect(fs.existsSync(renderMemoFile(path.join(dir, '.obsctl')))).toBe(false); // no state directory yet when it rendered
      await applyUp(ports, loaded, stack, await planUp(ports, loaded, stack, {}), { timeout: 30 });
      const memo = renderMemoFile(path.join(dir, '.obsctl'));
      const kept = JSON.parse(fs.readFileSync(memo, 'utf8')) as { key: string; result: { services: string[] } };
      expect(kept.result).toEqual(JSON.parse(JSON.stringify(stack.result)));
      // The next run answers from it: a marked copy under the same key is what it gets back.
      fs.writeFileSync(memo, JSON.stringify({ key: kept.key, result: { ...kept.result, services: ['from-the-memo'] } }));
      const again = await prepareStack(ports, loadConfig(file, { checkSecrets: false }, ports.readText), {});
      expect(again.result.services).toEqual(['from-the-memo']);
    } finally {
      delete build.__obsctlBuildId;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no change but a container unhealthy or stopped: not settled; preflight runs and Compose is run', async () => {
    const { change, ports, engine, composeCalls } = await running();
    let preflights = 0;
    const preflight = ports.preflight;
    ports.preflight = (input) => (preflights++, preflight(input));
    const settledPlan = await change((t) => t);
    expect(settledPlan.plan.settled).toBe(true);
    expect(preflights).toBe(0);
    engine.containers[0]!.health = 'unhealthy';
    const next = await change((t) => t);
    expect(next.plan.settled).toBeFalsy();
    expect(preflights).toBe(1);
    engine.containers[0]!.health = 'healthy';
    engine.containers[1]!.state = 'exited';
    const stopped = await change((t) => t);
    expect(stopped.plan.settled).toBeFalsy();
    expect(actions(stopped.plan)[engine.containers[1]!.service]).toBe('start');
    await applyUp(ports, stopped.loaded, stopped.stack, stopped.plan, { timeout: 30 });
    expect(composeCalls).toEqual(['up']);
  });

  it('a threshold change: prometheus reloads its new rule file, nothing is recreated; apply reloads it in place', async () => {
    const { change, ports, engine } = await running();
    const ids = engine.containers.map((c) => c.id);
    const next = await change((t) => `${t}alerts:\n  host:\n    disk_free_ratio: 0.07\n`);
    expect(actions(next.plan)).toEqual({ alertmanager: 'keep', 'node-exporter': 'keep', prometheus: 'reload' });
    expect(next.plan.files.update.some((f) => f.startsWith('prometheus/rules/'))).toBe(true);
    expect(hasChanges(next.plan)).toBe(true);
    const summary = await applyUp(ports, next.loaded, next.stack, next.plan, { timeout: 30 });
    expect(summary.reloaded).toEqual({ prometheus: 'reloaded' });
    expect(ports.reloads).toEqual(['http://127.0.0.1:9090']);
    expect(summary.recreated).toEqual([]);
    expect(engine.containers.map((c) => c.id)).toEqual(ids);
  });

  it('HA central: a rule and a route change reload both Prometheus replicas and both Alertmanagers in place, as the primaries', async () => {
    const ha = `${base}fleet:\n  central:\n    replicas: 2\nalertmanager:\n  receivers:\n    - {name: ops, type: webhook, url: {env: OBSCTL_PLAN_HOOK}}\n`;
    const { change, ports, engine } = await running(ha);
    ports.env = { OBSCTL_PLAN_HOOK: 'http://127.0.0.1:1/hook' };
    const ids = engine.containers.map((c) => c.id);
    const next = await change((t) => `${t.replace('alertmanager:\n', 'alertmanager:\n  route: {receiver: ops, group_wait: 10s}\n')}alerts:\n  host:\n    disk_free_ratio: 0.07\n`);
    expect(actions(next.plan)).toEqual({
      alertmanager: 'reload',
      'alertmanager-b': 'reload',
      'node-exporter': 'keep',
      prometheus: 'reload',
      'prometheus-b': 'reload',
      'victoria-metrics': 'keep',
    });
    // Replica b reads the same rule files as replica a: the change is named for both.
    const files = (name: string) => next.plan.services.flatMap((s) => (s.service === name && s.action === 'reload' ? s.files : []));
    expect(files('prometheus-b')).toEqual(files('prometheus'));
    expect(files('prometheus-b').some((f) => f.startsWith('prometheus/rules/'))).toBe(true);
    const summary = await applyUp(ports, next.loaded, next.stack, next.plan, { timeout: 30 });
    expect(summary.reloaded).toEqual({ alertmanager: 'reloaded', 'alertmanager-b': 'reloaded', prometheus: 'reloaded', 'prometheus-b': 'reloaded' });
    // Each at its own published port (fleet.central.ports' defaults for replica b); none restarted or recreated.
    expect([...ports.reloads].sort()).toEqual(['http://127.0.0.1:9090', 'http://127.0.0.1:9093', 'http://127.0.0.1:9190', 'http://127.0.0.1:9193']);
    expect(summary.recreated).toEqual([]);
    expect(engine.containers.map((c) => c.id)).toEqual(ids);
  });

  it('an image change: that service alone is recreated (image) and its image pulled', async () => {
    const { change, ports, engine } = await running();
    const next = await change((t) => `${t}images:\n  prometheus: prom/prometheus:v3.6.0\n`);
    expect(actions(next.plan)).toEqual({ alertmanager: 'keep', 'node-exporter': 'keep', prometheus: 'recreate (image)' });
    expect(next.plan.pull).toEqual(['prom/prometheus:v3.6.0']);
    const summary = await applyUp(ports, next.loaded, next.stack, next.plan, { timeout: 30 });
    expect(engine.pulled).toEqual(['prom/prometheus:v3.6.0']);
    expect(summary.recreated).toEqual(['prometheus']);
    expect(summary.reloaded).toEqual({}); // a recreated Prometheus read its new config at start
  });

  it('a missing image with pull never: refused, nothing written or started', async () => {
    const { change, ports, engine } = await running();
    const next = await change((t) => `${t}images:\n  alertmanager: prom/alertmanager:v0.29.0\n`, 'never');
    expect(next.plan.refusal?.code).toBe('IMAGES_MISSING');
    expect(next.plan.refusal?.exitCode).toBe(3);
    expect(next.plan.refusal?.details).toEqual(['missing: prom/alertmanager:v0.29.0']);
    expect(next.plan.pull).toEqual([]);
    const before = fs.readFileSync(path.join(next.stack.dir, 'compose.yaml'), 'utf8');
    await expect(applyUp(ports, next.loaded, next.stack, next.plan, { timeout: 30 })).rejects.toMatchObject({ code: 'IMAGES_MISSING' });
    expect(fs.readFileSync(path.join(next.stack.dir, 'compose.yaml'), 'utf8')).toBe(before);
    expect(engine.pulled).toEqual([]);
  });

  it('a published port change: recreate (ports); a new exporter: create; a dropped one: remove', async () => {
    const { change } = await running();
    const next = await change((t) => `${t}ports:\n  prometheus: 19090\nexporters:\n  node: { enabled: false }\n  cadvisor: { enabled: true }\n`);
    expect(actions(next.plan)).toEqual({ alertmanager: 'keep', cadvisor: 'create', 'node-exporter': 'remove', prometheus: 'recreate (ports)' });
  });
});
