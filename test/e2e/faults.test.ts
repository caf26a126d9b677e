// Issue 14's faults on the real Docker engine, one stack (real Prometheus, Alertmanager,
// node-exporter from the local test images, hardened as rendered):
// - a bad image override: `up` exits 1 and the last good stack is restored, healthy, with its samples;
// - an OOM kill inside a container at its memory limit: HostOOMKill fires and verify names the service;
// - every container's main process SIGKILLed from the host: the restart policy brings each back
//   healthy, samples kept;
// - the Docker engine itself restarted under the running stack: every service healthy again, samples kept;
// - the filesystem holding Prometheus' data filled to 95 %: PrometheusDiskFillingUp fires while
//   Prometheus still stores samples (before, not when: a full volume makes it drop every sample).
// The stack runs on a private engine this file starts (test/e2e/private-engine.ts): restarting the
// machine's shared engine would stop every other stack on it; restarting this one is just as real.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateEngine, privateEngineUnavailable, type PrivateEngine } from './private-engine.js';
import { buildOnce, dockerUnavailable, editConfig, obsctl, promQuery, skipOrFail, stackPorts, tempProject, testImages, useTestStack, waitFor, type StackPorts } from './harness.js';

const reason = (await dockerUnavailable()) ?? (await privateEngineUnavailable());
if (reason) skipOrFail(reason);

describe.skipIf(Boolean(reason))('faults survived on a real Docker engine', () => {
  const dir = tempProject('e2e-faults');
  const project = `faults-e2e-${process.pid}`;
  const subnetByte = 1 + (process.pid % 9); // other e2e files use 10-249
  let ports: StackPorts;
  let prom: string;
  let sampleTime = 0;
  let engine: PrivateEngine | undefined;

  const status = async () => (await obsctl(dir, ['status', '--json'])).json().services as { service: string; health: string; image: string; id: string }[];
  type Saw = <V>(seen: V) => V;
  const allHealthy = async (saw: Saw = (v) => v) => {
    const s = await status();
    saw(s.map((x) => `${x.service} ${x.health}`));
    return s.length === 3 && s.every((x) => x.health === 'healthy') && s;
  };
  /** The node-exporter sample Prometheus stored at sampleTime is still there. */
  const sampleKept = async (saw: Saw = (v) => v) => saw(await promQuery(prom, 'up{job="node-exporter"}', sampleTime)).length === 1;
  const alerts = async (saw: Saw) => {
    const body = (await (await fetch(`${prom}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
    return saw(body.data.alerts.map((a): Record<string, string> => ({ ...a.labels, state: a.state })));
  };
  const containerId = async (service: string) =>
    String((await execa('docker', ['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`])).stdout).trim();

  beforeAll(async () => {
    await buildOnce();
    engine = await startPrivateEngine('faults-dockerd', [testImages.prometheus, testImages.alertmanager, testImages['node-exporter']]);
    // Every obsctl run and docker command of this file goes to the private engine.
    process.env.DOCKER_HOST = engine.host;
    ports = await stackPorts();
    prom = `http://127.0.0.1:${ports.prometheus}`;
    expect((await obsctl(dir, ['init', '--name', project, '--gpu', 'none'])).code).toBe(0);
    editConfig(dir, (set) => {
      useTestStack(set, subnetByte, ports);
      // Prometheus' volume lives under the private engine's data root, its own ext4 filesystem.
      set(['prometheus', 'data_filesystem'], engine!.dataRoot);
    });
    const up = await obsctl(dir, ['up']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    await waitFor('a node-exporter sample', async () => (await promQuery(prom, 'up{job="node-exporter"}')).length === 1, 90_000, 2000);
    // A sample old enough to be in the WAL, not only in memory.
    await new Promise((r) => setTimeout(r, 5000));
    sampleTime = Math.floor(Date.now() / 1000) - 3;
    expect(await sampleKept()).toBe(true);
  }, 600_000);

  afterAll(async () => {
    if (!engine) return;
    await obsctl(dir, ['down', '--volumes', '--yes']);
    delete process.env.DOCKER_HOST;
    await engine.stop();
  }, 300_000);

  it('a bad image override: up exits 1, names the failure, restores the last good stack, healthy, samples kept', async () => {
    // A real image that cannot run as Prometheus (Alertmanager's binary refuses Prometheus's flags).
    editConfig(dir, (set) => set(['images', 'prometheus'], testImages.alertmanager));
    const r = await obsctl(dir, ['up', '--timeout', '60']);
    editConfig(dir, (set) => set(['images', 'prometheus'], testImages.prometheus));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stderr).toContain('did not become healthy; obsctl restored the last good stack');
    expect(r.stderr).toMatch(/prometheus: (exited|restarting|running)/);
    expect(r.stderr).toContain(`rolled back: the last good stack of ${project} is running again and healthy`);
    const s = await waitFor('the restored stack healthy', allHealthy, 120_000, 3000);
    expect(s.find((x) => x.service === 'prometheus')?.image).toBe(testImages.prometheus);
    await waitFor('Prometheus answering with the sample from before', sampleKept, 60_000, 2000);
    // The restored stack is what up would run now: nothing left to change.
    expect((await obsctl(dir, ['plan'])).code).toBe(0);
  }, 480_000); // up's 60 s health wait and its rollback, then 120 s + 60 s of waits

  it('an OOM kill at a container’s memory limit: HostOOMKill fires and verify names the service', async () => {
    // node-exporter's limit is 128MB: a process inside its cgroup that reads 400 MB into memory is
    // killed by the kernel's OOM killer (exit 137), as a leaking exporter would be.
    const oom = await execa('docker', ['exec', await containerId('node-exporter'), 'sh', '-c', 'a=$(head -c 400000000 /dev/zero | tr "\\0" a); echo survived'], { reject: false });
    expect(oom.exitCode, `${oom.stdout}${oom.stderr}`).toBe(137);
    const v = await waitFor('verify naming the OOM kill', async (saw) => {
      const r = await obsctl(dir, ['verify', '--json', '--no-wait']);
      const checks = r.json().checks as { name: string; status: string; reason: string }[];
      saw(checks.filter((c) => c.status !== 'pass'));
      return checks.find((c) => c.name === 'oom node-exporter') && { r, checks };
    }, 60_000, 3000);
    const named = v.checks.find((c) => c.name === 'oom node-exporter')!;
    expect(named.status).toBe('fail');
    expect(named.reason).toMatch(/OOM-killed in the last 60 min at its 0\.13 GiB memory limit \(\d+ OOM events? from the engine/);
    expect(v.r.code).toBe(1);
    await waitFor('HostOOMKill firing', async (saw) => (await alerts(saw)).some((a) => a.alertname === 'HostOOMKill' && a.state === 'firing'), 90_000, 3000);
  }, 360_000); // 60 s + 90 s of waits, each verify run slow on a loaded machine

  it('every container’s main process killed from the host: restarted by policy, healthy, samples kept', async () => {
    const before = await status();
    for (const c of before) {
      const pid = String((await execa('docker', ['inspect', '-f', '{{.State.Pid}}', c.id])).stdout).trim();
      process.kill(Number(pid), 'SIGKILL');
    }
    await waitFor('every service restarted and healthy', async (saw) => {
      const r = await execa('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`]);
      const ids = String(r.stdout).split('\n').filter(Boolean);
      const counts = saw(await Promise.all(ids.map(async (id) => Number((await execa('docker', ['inspect', '-f', '{{.RestartCount}}', id])).stdout))));
      return counts.length === 3 && counts.every((n) => n >= 1) && (await allHealthy(saw));
    }, 180_000, 3000);
    await waitFor('the sample from before the kill', sampleKept, 60_000, 2000);
  }, 420_000); // 180 s + 60 s of waits

  it('the Docker engine restarted under the stack: every service healthy again, samples kept', async () => {
    const before = await status();
    const restartedAt = Date.now();
    await engine!.restart();
    const backAt = Date.now();
    await waitFor('every service healthy after the engine restart', allHealthy, 180_000, 3000);
    // The same containers, started again by the engine (their restart policy), not recreated.
    expect((await status()).map((x) => x.id).sort()).toEqual(before.map((x) => x.id).sort());
    for (const c of before) {
      const started = Date.parse(String((await execa('docker', ['inspect', '-f', '{{.State.StartedAt}}', c.id])).stdout).trim());
      expect(started, c.service).toBeGreaterThan(restartedAt);
    }
    await waitFor('the sample from before the restart', sampleKept, 60_000, 2000);
    // After the engine was back (not after the restart began: Prometheus scrapes on while the engine
    // stops, and a sample at 10.5 s passes `> 10` for a restart at 10.7 s), rounded up.
    const t = Math.ceil(backAt / 1000);
    await waitFor('node-exporter scraped again after the restart', async (saw) => saw(await promQuery(prom, `timestamp(up{job="node-exporter"})`)).filter((r) => Number(r.value[1]) > t).length === 1, 60_000, 2000);
  }, 600_000); // the engine's stop and start (90 s each at most), then 180 s + 60 s + 60 s of waits

  it('the filesystem holding Prometheus data nearly full: PrometheusDiskFillingUp fires while Prometheus still stores samples', async () => {
    const root = engine!.dataRoot;
    const filler = path.join(root, 'faults-filler');
    try {
      const st = fs.statfsSync(root);
      const leave = Math.floor(st.blocks * st.bsize * 0.05); // 5 % of the filesystem left free
      await execa('fallocate', ['-l', String(st.bavail * st.bsize - leave), filler]);
      const filledAt = Math.floor(Date.now() / 1000);
      type Alert = { labels: Record<string, string>; state: string };
      const alert = await waitFor('PrometheusDiskFillingUp firing', async (saw) => {
        const body = (await (await fetch(`${prom}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
        saw(body.data.alerts.map((a) => ({ ...a.labels, state: a.state })));
        return body.data.alerts.find((a) => a.labels.alertname === 'PrometheusDiskFillingUp' && a.state === 'firing');
      }, 180_000, 3000);
      // The filesystem that holds the data volume, not the host's root.
      expect(alert.labels.mountpoint).toBe(root);
      // Before, not when: Prometheus is still ready and still storing new samples.
      expect((await fetch(`${prom}/-/ready`)).status).toBe(200);
      await waitFor('samples stored after the fill', async (saw) => saw(await promQuery(prom, `timestamp(up{job="node-exporter"})`)).filter((r) => Number(r.value[1]) > filledAt + 60).length === 1, 60_000, 2000);
    } finally {
      fs.rmSync(filler, { force: true });
    }
  }, 420_000); // 180 s + 60 s of waits
});
