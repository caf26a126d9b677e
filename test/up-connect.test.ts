// How `up` and `plan` start (issue 15): a bad --host is told before the engine is asked, then one
// Engine API call (the project's containers) connects, and the plan is made from that list without
// asking again. The count against a real engine is in test/e2e/lifecycle.test.ts (a counting proxy);
// here the engine is absent (a socket nobody listens on) or the fake one, which counts its calls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { prepareStack } from '../src/app/stack.js';
import { planUp } from '../src/app/up-plan.js';
import { FakeCompose, FakeEngine, fakePorts } from './fakes/docker.js';
import { runCli } from './helpers/cli.js';

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const project = (yaml: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-up-connect-'));
  tmp.push(dir);
  fs.writeFileSync(path.join(dir, 'obsctl.yaml'), yaml);
  return dir;
};

describe('without a Docker engine, a bad --host is reported first', () => {
  const fleet = `name: lab
grafana: { enabled: false }
hosts:
  - { name: central-1, role: central, address: 10.0.0.10 }
  - { name: node-1, address: 10.0.0.11 }
`;
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.DOCKER_HOST;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-no-engine-'));
    tmp.push(dir);
    process.env.DOCKER_HOST = `unix://${path.join(dir, 'docker.sock')}`; // nothing listens there
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it.each(['up', 'plan'])('%s --host nope: exit 2 with the hosts to choose from; a good --host gets to the engine (exit 3)', async (command) => {
    const dir = project(fleet);
    const config = path.join(dir, 'obsctl.yaml');
    const bad = await runCli([command, '--config', config, '--host', 'nope']);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('--host nope is not in the hosts inventory of obsctl.yaml');
    expect(bad.stderr).toContain('central-1 (central), node-1 (node)');
    expect(bad.stderr).not.toContain('Docker engine');
    // The engine really is absent: the same command with a host of the inventory says so.
    const good = await runCli([command, '--config', config, '--host', 'central-1']);
    expect(good.code, good.stderr).toBe(3);
    expect(good.stderr).toContain(`no Docker engine answers on ${process.env.DOCKER_HOST}`);
    expect(fs.existsSync(path.join(dir, '.obsctl', 'stack'))).toBe(false);
  });
});

describe('planUp from the list that connected', () => {
  async function stackUp() {
    const dir = project('name: connect\ngpu: none\ngrafana: { enabled: false }\n');
    const engine = new FakeEngine();
    const ports = fakePorts(engine, () => new FakeCompose(engine, () => stack.result.manifest));
    const loaded = loadConfig(path.join(dir, 'obsctl.yaml'), { checkSecrets: false }, ports.readText);
    const stack = await prepareStack(ports, loaded, {});
    ports.stackFiles.apply(stack.dir, stack.result.files, ports.stackFiles.plan(stack.dir, stack.result.files));
    engine.runStack(stack.result.manifest);
    let lists = 0;
    const list = engine.projectContainers;
    engine.projectContainers = (p: string) => (lists++, list(p));
    return { engine, ports, loaded, stack, lists: () => lists };
  }

  it('no change, healthy: settled from the list alone, the engine not asked again', async () => {
    const { ports, loaded, stack, lists } = await stackUp();
    const { containers } = await ports.engineWithProject(stack.project);
    expect(lists()).toBe(1);
    const plan = await planUp(ports, loaded, stack, { listed: { project: stack.project, containers } });
    expect(plan.settled).toBe(true);
    expect(lists()).toBe(1);
    expect(plan.existing).toBe(containers); // the very list that connected
    expect(plan.existing.map((c) => c.service)).toEqual(['alertmanager', 'node-exporter', 'prometheus']);
  });

  it('a container stopped by hand in that list: start, not settled, from the same one call', async () => {
    const { engine, ports, loaded, stack, lists } = await stackUp();
    engine.containers.find((c) => c.service === 'node-exporter')!.state = 'exited';
    const { containers } = await ports.engineWithProject(stack.project);
    const plan = await planUp(ports, loaded, stack, { listed: { project: stack.project, containers } });
    expect(plan.settled).toBeFalsy();
    expect(plan.services).toContainEqual({ service: 'node-exporter', action: 'start' });
    expect(lists()).toBe(1);
  });

  it('a container missing from that list: create', async () => {
    const { engine, ports, loaded, stack } = await stackUp();
    engine.containers = engine.containers.filter((c) => c.service !== 'prometheus');
    const { containers } = await ports.engineWithProject(stack.project);
    const plan = await planUp(ports, loaded, stack, { listed: { project: stack.project, containers } });
    expect(plan.services).toContainEqual({ service: 'prometheus', action: 'create' });
  });

  it('a list of another project is not used: the engine is asked for this one', async () => {
    const { ports, loaded, stack, lists } = await stackUp();
    const plan = await planUp(ports, loaded, stack, { listed: { project: 'someone-else', containers: [] } });
    expect(plan.settled).toBe(true);
    expect(lists()).toBe(1);
  });
});
