// Issue 6 end to end: the demo service (instrumented with obsctl/metrics) as a real app target,
// `obsctl ci` passing on it with the simulated GPU, `obsctl ci` failing (exit 1, named in JUnit)
// with a fault injected, and an injected error burst making AppErrorBudgetBurn fire in the real
// Prometheus. Real engine, real Prometheus/Alertmanager/node-exporter, simulated GPU.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, dockerUnavailable, editConfig, freePort, obsctl, projectLeftovers, repoRoot, skipOrFail, stackPorts, tempProject, useTestStack, waitFor } from './harness.js';

const reason = await dockerUnavailable();
if (reason) skipOrFail(reason);

describe.skipIf(Boolean(reason))('obsctl ci and the demo service on a real engine', () => {
  const dir = tempProject('e2e-ci');
  const project = `e2e-ci-${process.pid}`;
  const subnetByte = 100 + (process.pid % 40);
  let demo: ChildProcess | undefined;
  let demoPort = 0;
  let prom = '';
  const junit = path.join(dir, 'ci.xml');

  beforeAll(async () => {
    await buildOnce();
    demoPort = await freePort();
    // The demo listens on all addresses: Prometheus reaches it through the bridge gateway
    // (localhost in obsctl.yaml is rewritten to host.docker.internal).
    demo = spawn(path.join(repoRoot, 'node_modules', '.bin', 'node'), [path.join(repoRoot, 'examples', 'demo-service', 'server.ts')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(demoPort), HOST: '0.0.0.0', LOAD_RPS: '6', LATENCY_SCALE: '0.2' },
      stdio: 'ignore',
    });
    await waitFor('demo service', async () => (await fetch(`http://127.0.0.1:${demoPort}/healthz`)).ok, 60_000, 300); // Node compiling TypeScript, on a loaded machine
    const ports = await stackPorts();
    prom = `http://127.0.0.1:${ports.prometheus}`;
    expect((await obsctl(dir, ['init', '--name', project, '--gpu', 'gb10', '--app', `localhost:${demoPort}`])).code).toBe(0);
    editConfig(dir, (set) => useTestStack(set, subnetByte, ports));
  });

  afterAll(async () => {
    demo?.kill('SIGTERM');
    await obsctl(dir, ['down', '--volumes', '--yes']);
  });

  it('obsctl ci passes: validate, up with a simulated GB10, verify (App dashboard fed by the demo), down', async () => {
    const r = await obsctl(dir, ['ci', '--junit', junit, '--wait', '150s']);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(r.stdout).toMatch(/dashboard obsctl \/ App: all \d+ panel queries return data/);
    expect(r.stdout).toMatch(/dashboard obsctl \/ GPU \(DGX Spark GB10\): all \d+ panel queries return data/);
    const xml = fs.readFileSync(junit, 'utf8');
    expect(xml).toContain('failures="0"');
    expect(xml).toContain('name="job app"');
    expect(await projectLeftovers(project)).toEqual([]); // ci tears down
  }, 400_000);

  it('obsctl ci fails with exit 1 and names the fault in JUnit (a target nobody serves)', async () => {
    const dead = await freePort();
    const file = path.join(dir, 'obsctl.yaml');
    const before = fs.readFileSync(file, 'utf8');
    expect((await obsctl(dir, ['add', 'target', 'broken-app', `localhost:${dead}`])).code).toBe(0);
    const r = await obsctl(dir, ['ci', '--junit', junit, '--wait', '20s', '--json'], { GITHUB_ACTIONS: 'true' });
    fs.writeFileSync(file, before);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error title=obsctl verify: job broken-app::');
    const xml = fs.readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testcase classname="obsctl.targets" name="job broken-app"[^>]*>\s*<failure message="[^"]*connection refused/);
    expect(await projectLeftovers(project)).toEqual([]);
  }, 400_000);

  it('an injected error burst makes AppErrorBudgetBurn fire in the real Prometheus', async () => {
    const up = await obsctl(dir, ['up', '--simulate-gpu']);
    expect(up.code, up.stderr).toBe(0);
    await waitFor('the demo scraped', async (saw) => {
      const body = (await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent('up{job="app"}')}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return saw(body.data.result)[0]?.value[1] === '1';
    }, 60_000);
    expect((await fetch(`http://127.0.0.1:${demoPort}/admin/fault?error_rate=0.9&seconds=600`, { method: 'POST' })).ok).toBe(true);
    const firing = await waitFor('AppErrorBudgetBurn firing', async (saw) => {
      const body = (await (await fetch(`${prom}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      saw(body.data.alerts.map((a) => ({ ...a.labels, state: a.state })));
      return body.data.alerts.find((a) => a.labels.alertname === 'AppErrorBudgetBurn' && a.labels.severity === 'critical' && a.state === 'firing');
    }, 300_000, 5000);
    expect(firing.labels).toMatchObject({ job: 'app', severity: 'critical' });
    await fetch(`http://127.0.0.1:${demoPort}/admin/fault`, { method: 'DELETE' });
  }, 600_000); // up, then 60 s + 300 s of waits
});
