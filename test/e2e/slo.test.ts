// Issue 16 end to end: the demo service (obsctl/metrics) as the target of an availability SLO in
// the real Prometheus. An injected error burst drives the SLO's fast page alert, `obsctl gate`
// says NO-GO (exit 1) naming the SLO and the paging window; after recovery, over a healthy
// window, GO (exit 0).
//
// Time: a 30d SLO pages after 2m of `for:` and stays paging until its 5m window is clean, and its
// budget would be spent by any burst on a fresh Prometheus (the whole period is the burst). So the
// SLO here uses the shortest period obsctl allows, 7d, whose workbook windows scale to 14m/1m10s
// with a 28s `for:`, and two days of healthy history (the demo's own series, 6 requests/s) are
// backfilled into the real Prometheus with `promtool tsdb create-blocks-from openmetrics`, ending
// before the long window so the burst alone decides the page. Nothing is faked in Prometheus:
// rules, alerts and the gate's queries all run there.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, dockerUnavailable, editConfig, freePort, obsctl, repoRoot, skipOrFail, stackPorts, tempProject, useTestStack, waitFor } from './harness.js';

const reason = await dockerUnavailable();
if (reason) skipOrFail(reason);

const SLO = 'demo-availability';

describe.skipIf(Boolean(reason))('SLO page alert and obsctl gate with the demo service', () => {
  const dir = tempProject('e2e-slo');
  const project = `e2e-slo-${process.pid}`;
  const subnetByte = 140 + (process.pid % 40);
  let demo: ChildProcess | undefined;
  let demoPort = 0;
  let prom = '';

  beforeAll(async () => {
    await buildOnce();
    demoPort = await freePort();
    demo = spawn(path.join(repoRoot, 'node_modules', '.bin', 'node'), [path.join(repoRoot, 'examples', 'demo-service', 'server.ts')], {
      cwd: repoRoot,
      // No random job failures: the SLO's errors are the injected ones.
      env: { ...process.env, PORT: String(demoPort), HOST: '0.0.0.0', LOAD_RPS: '6', LATENCY_SCALE: '0.05', OOM_RATE: '0', TIMEOUT_RATE: '0' },
      stdio: 'ignore',
    });
    await waitFor('demo service', async () => (await fetch(`http://127.0.0.1:${demoPort}/healthz`)).ok, 20_000, 300);
    const ports = await stackPorts();
    prom = `http://127.0.0.1:${ports.prometheus}`;
    expect((await obsctl(dir, ['init', '--name', project, '--gpu', 'none', '--app', `localhost:${demoPort}`])).code).toBe(0);
    editConfig(dir, (set) => {
      useTestStack(set, subnetByte, ports);
      set(['slos'], [{ name: SLO, target: 'app', objective: 99, period: '7d', sli: 'availability' }]);
    });
    const up = await obsctl(dir, ['up']);
    expect(up.code, up.stderr + up.stdout).toBe(0);
  }, 600_000);

  afterAll(async () => {
    demo?.kill('SIGTERM');
    await obsctl(dir, ['down', '--volumes', '--yes']);
  });

  it('renders the workbook windows for 7d and loads the SLO rules into Prometheus', async () => {
    const rules = fs.readFileSync(path.join(dir, '.obsctl', 'stack', 'prometheus', 'rules', `slo-${SLO}.rules.yml`), 'utf8');
    expect(rules).toContain('window: 14m/1m10s');
    expect(rules).toContain('for: 28s');
    const body = (await (await fetch(`${prom}/api/v1/rules?type=alert`)).json()) as { data: { groups: { name: string; rules: { name: string }[] }[] } };
    const group = body.data.groups.find((g) => g.name === `obsctl-slo-${SLO}`);
    expect(group?.rules.filter((r) => r.name === 'SLOErrorBudgetBurn')).toHaveLength(4);
  });

  it('with two days of healthy history backfilled, gate says GO', async () => {
    await backfill(project, 'app', `localhost:${demoPort}`);
    // Prometheus loads new blocks within a minute (its block reload tick).
    await waitFor('the backfilled history in Prometheus', async () => {
      const body = (await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(`count_over_time(http_requests_total{instance="localhost:${demoPort}"}[3d])`)}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return Number(body.data.result[0]?.value[1] ?? 0) > 2800;
    }, 120_000, 3000);
    // The gate sees the history through the 7d budget.
    const go = await waitFor('gate GO with the backfilled budget', async () => {
      const r = await obsctl(dir, ['gate', '--window', '1m', '--json']);
      return r.code === 0 && r;
    }, 150_000, 5000);
    const verdict = (go.json().slos as { slo: string; verdict: string; budgetLeft: number }[])[0]!;
    expect(verdict).toMatchObject({ slo: SLO, verdict: 'go' });
    expect(verdict.budgetLeft).toBeGreaterThan(0.9);
  }, 200_000);

  it('an error burst fires the fast page in the real Prometheus and gate exits 1 naming it', async () => {
    expect((await fetch(`http://127.0.0.1:${demoPort}/admin/fault?error_rate=0.9&seconds=600`, { method: 'POST' })).ok).toBe(true);
    const firing = await waitFor('SLOErrorBudgetBurn 14m/1m10s firing', async () => {
      const body = (await (await fetch(`${prom}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      return body.data.alerts.find((a) => a.labels.alertname === 'SLOErrorBudgetBurn' && a.labels.window === '14m/1m10s' && a.state === 'firing');
    }, 120_000, 2000);
    expect(firing.labels).toMatchObject({ slo: SLO, severity: 'critical', action: 'page' });

    const junit = path.join(dir, 'gate.xml');
    const r = await obsctl(dir, ['gate', '--window', '1m', '--junit', junit], { GITHUB_ACTIONS: 'true' });
    console.log(`gate during the burst:\n${r.stdout}`);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`NO-GO ${SLO} \\(window 1m\\): burning faster than 1x: burn \\d+(\\.\\d+)?x over 1m`));
    expect(r.stdout).toContain('SLOErrorBudgetBurn paging for window 14m/1m10s');
    expect(r.stdout).toContain(`::error title=obsctl gate: SLO ${SLO} NO-GO::`);
    expect(r.stdout).toContain('gate: NO-GO');
    expect(fs.readFileSync(junit, 'utf8')).toMatch(new RegExp(`<testcase classname="obsctl.gate" name="slo ${SLO}"[^>]*>\\s*<failure`));
    // --wait during a canary ends at the first NO-GO, not after the whole wait.
    const started = Date.now();
    const watched = await obsctl(dir, ['gate', '--window', '1m', '--wait', '2m', '--every', '2s', '--json']);
    expect(watched.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(watched.json()).toMatchObject({ verdict: 'no-go' });
  }, 200_000);

  it('after recovery, over a healthy window, gate exits 0', async () => {
    expect((await fetch(`http://127.0.0.1:${demoPort}/admin/fault`, { method: 'DELETE' })).ok).toBe(true);
    // GO comes first while the window still holds the burst's tail (burn under 1x); a healthy
    // window is one with no error left in it, and that is what the gate must then report.
    const r = await waitFor('gate GO after recovery, over a window with no errors', async () => {
      const gate = await obsctl(dir, ['gate', '--window', '30s']);
      return gate.code === 0 && /burn 0x over 30s/.test(gate.stdout) && gate;
    }, 120_000, 3000);
    console.log(`gate after recovery:\n${r.stdout}`);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`GO +${SLO} \\(window 30s\\): burn 0x over 30s`));
    expect(r.stdout).toContain('gate: GO');
    // The burst cost budget, but two days of healthy history leave most of it.
    const json = await obsctl(dir, ['gate', '--window', '30s', '--json']);
    const verdict = (json.json().slos as { verdict: string; budgetLeft: number }[])[0]!;
    expect(verdict.verdict).toBe('go');
    expect(verdict.budgetLeft).toBeGreaterThan(0.5);
    expect(verdict.budgetLeft).toBeLessThan(1);
  }, 150_000);
});

/**
 * Two days of the demo's healthy traffic (6 requests/s, no errors) ending 20 minutes ago, written
 * as TSDB blocks by the real promtool and copied into the running Prometheus' data directory.
 */
async function backfill(project: string, job: string, instance: string): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-backfill-'));
  const end = Math.floor(Date.now() / 1000) - 20 * 60;
  const lines = ['# TYPE http_requests counter'];
  for (let t = end - 2 * 86400, n = 0; t <= end; t += 60, n += 360) {
    lines.push(`http_requests_total{job="${job}",instance="${instance}",method="GET",route="/v1/models",status="200"} ${n} ${t}`);
  }
  lines.push('# EOF');
  fs.writeFileSync(path.join(work, 'history.om'), `${lines.join('\n')}\n`);
  await execa('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', 'history.om', 'blocks'], { cwd: work });
  const id = String((await execa('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=prometheus'])).stdout).trim();
  // Owned by Prometheus' user (65534), so it can compact and delete them later. `docker cp -a`
  // into the hardened container fails (the engine looks its numeric `user: 65534:65534` up in the
  // image's passwd, which has none; `--user 0:0` fails the same way), so the blocks go in through a
  // created, never started helper container that shares the data volume with the image's own user.
  const tar = await execa('tar', ['--owner=65534', '--group=65534', '-C', path.join(work, 'blocks'), '-cf', '-', '.'], { encoding: 'buffer' });
  const image = String((await execa('docker', ['inspect', '-f', '{{.Config.Image}}', id])).stdout).trim();
  const helper = String((await execa('docker', ['create', '--volumes-from', id, image])).stdout).trim();
  try {
    await execa('docker', ['cp', '-a', '-', `${helper}:/prometheus`], { input: tar.stdout });
  } finally {
    await execa('docker', ['rm', '-f', helper], { reject: false });
  }
  fs.rmSync(work, { recursive: true, force: true });
}
