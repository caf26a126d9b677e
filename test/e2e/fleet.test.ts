// Issue 7 end to end: one obsctl.yaml with a hosts inventory; two "node" stacks (exporters only,
// listening on their own network's address) and one "central" stack run as separate compose
// projects on separate networks of the real engine. Central scrapes both through file_sd; a third
// node added to obsctl.yaml is picked up by `up` without restarting Prometheus; and central
// remote-writes into a real VictoriaMetrics (Debian trixie's package, local image), where the
// series of every node are then queried.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, dockerUnavailable, freePort, obsctl, projectLeftovers, promQuery, skipOrFail, tempProject, testImages, waitFor } from './harness.js';

const vmImage = 'obsctl-test/victoria-metrics:1';
const reason = (await dockerUnavailable()) ?? ((await execa('docker', ['image', 'inspect', vmImage], { reject: false })).exitCode ? `local test image ${vmImage} missing (run bash docker/build-victoria-metrics-image.sh)` : undefined);
if (reason) skipOrFail(reason);

describe.skipIf(Boolean(reason))('a fleet: two nodes, one central, remote_write into VictoriaMetrics', () => {
  const stack = `fleet${process.pid % 10000}`;
  const base = 60 + (process.pid % 30); // subnets 172.30.<base..base+4>.0/24
  const subnet = (i: number) => `172.30.${base + i}`;
  const dirs: Record<string, string> = {};
  const vm = { name: `${stack}-vm`, network: `${stack}-vm`, port: 0 };
  let prom = '';
  let config: Record<string, unknown> = {};

  const node = async (name: string, i: number, gpu: string) => ({
    name,
    role: 'node',
    address: `${subnet(i)}.1`,
    network_subnet: `${subnet(i)}.0/24`,
    gpu,
    labels: { rack: `r${i}`, site: 'lab-a' },
    ports: { node_exporter: await freePort(), dcgm_exporter: await freePort() },
  });
  const writeConfig = () => {
    for (const dir of Object.values(dirs)) fs.writeFileSync(path.join(dir, 'obsctl.yaml'), stringify(config));
  };
  const up = async (host: string) => {
    const r = await obsctl(dirs[host]!, ['up', '--host', host, '--simulate-gpu', '--json']);
    expect(r.code, `${host}: ${r.stdout}\n${r.stderr}`).toBe(0);
    return r.json() as { project: string; services: { service: string; id: string }[]; reloaded: Record<string, string> };
  };

  beforeAll(async () => {
    await buildOnce();
    vm.port = await freePort();
    // VictoriaMetrics on its own network; central reaches it at that network's gateway address.
    await execa('docker', ['network', 'create', '--subnet', `${subnet(4)}.0/24`, '--label', `com.docker.compose.project=${stack}-vm`, vm.network]);
    await execa('docker', ['run', '-d', '--name', vm.name, '--network', vm.network, '-p', `${subnet(4)}.1:${vm.port}:8428`, vmImage]);
    const ports = { prometheus: await freePort(), alertmanager: await freePort(), webhook: await freePort() };
    prom = `http://127.0.0.1:${ports.prometheus}`;
    config = {
      name: stack,
      images: { ...testImages, pull_policy: 'never' },
      grafana: { enabled: false },
      ports: { prometheus: ports.prometheus, alertmanager: ports.alertmanager, grafana: 3000 },
      verify: { webhook_port: ports.webhook },
      prometheus: { scrape_interval: '2s', evaluation_interval: '2s', retention_size: '1GB', remote_write: [{ name: 'vm', url: `http://${subnet(4)}.1:${vm.port}/api/v1/write` }] },
      hosts: [
        { name: 'central-1', role: 'central', address: `${subnet(0)}.1`, network_subnet: `${subnet(0)}.0/24`, ports: { node_exporter: await freePort() } },
        await node('spark-a', 1, 'gb10'),
        await node('h100-1', 2, 'nvidia'),
      ],
    };
    for (const h of ['central-1', 'spark-a', 'h100-1', 'spark-b']) dirs[h] = tempProject(`fleet-${h}`);
    writeConfig();
  });

  afterAll(async () => {
    for (const [host, dir] of Object.entries(dirs)) await obsctl(dir, ['down', '--host', host, '--volumes', '--yes']);
    await execa('docker', ['rm', '-f', vm.name], { reject: false });
    await execa('docker', ['network', 'rm', vm.network], { reject: false });
  });

  it('node stacks run exporters only; central scrapes both nodes with their inventory labels', async () => {
    const a = await up('spark-a');
    expect(a.project).toBe(`${stack}-spark-a`);
    expect(a.services.map((s) => s.service).sort()).toEqual(['dcgm-exporter', 'node-exporter']);
    await up('h100-1');
    const central = await up('central-1');
    expect(central.services.map((s) => s.service)).toContain('prometheus');
    const hosts = await waitFor('central to scrape both nodes', async (saw) => {
      const r = await promQuery(prom, 'up{job=~"node-exporter|dcgm-exporter"} == 1');
      const seen = new Set(saw(r.map((s) => `${s.metric.job}/${s.metric.host}`)));
      return ['node-exporter/spark-a', 'node-exporter/h100-1', 'dcgm-exporter/spark-a', 'dcgm-exporter/h100-1', 'node-exporter/central-1'].every((k) => seen.has(k)) && r;
    }, 60_000);
    expect(hosts.find((s) => s.metric.host === 'spark-a')?.metric).toMatchObject({ rack: 'r1', site: 'lab-a' });
    const gpu = await promQuery(prom, 'DCGM_FI_DEV_GPU_TEMP{host="spark-a"}');
    expect(gpu[0]?.metric.modelName).toBe('NVIDIA GB10');
    expect((await promQuery(prom, 'DCGM_FI_DEV_FB_USED{host="spark-a"}')).length).toBe(0); // GB10 has no framebuffer fields
    expect((await promQuery(prom, 'DCGM_FI_DEV_FB_USED{host="h100-1"}')).length).toBe(1);
    const verify = await obsctl(dirs['central-1']!, ['verify', '--host', 'central-1', '--json']);
    const checks = (verify.json() as { checks: { name: string; status: string }[] }).checks;
    expect(checks.filter((c) => c.name.startsWith('host ')).map((c) => [c.name, c.status])).toEqual([
      ['host spark-a', 'pass'],
      ['host h100-1', 'pass'],
    ]);
  }, 480_000); // three ups, a 60 s wait, verify

  it('adding a third node is a config change: central picks it up without a restart', async () => {
    const before = await up('central-1');
    (config.hosts as unknown[]).push(await node('spark-b', 3, 'gb10'));
    writeConfig();
    // Before it runs, verify on central names the missing host.
    await up('central-1');
    const missing = await waitFor('verify to name spark-b', async (saw) => {
      const v = await obsctl(dirs['central-1']!, ['verify', '--host', 'central-1', '--json']);
      const checks = (v.json() as { checks: { name: string; status: string; reason: string }[] }).checks;
      saw(checks.filter((c) => c.name.startsWith('host ')));
      return checks.find((c) => c.name === 'host spark-b' && c.status === 'fail');
    }, 90_000); // each verify run takes seconds on a loaded machine
    expect(missing.reason).toMatch(/is down|not a target|not been scraped yet/);
    await up('spark-b');
    const after = await up('central-1');
    expect(after.services.find((s) => s.service === 'prometheus')?.id).toBe(before.services.find((s) => s.service === 'prometheus')?.id);
    await waitFor('spark-b scraped', async (saw) => {
      saw(await promQuery(prom, 'up{host="spark-b"}'));
      return (await promQuery(prom, 'up{job="node-exporter",host="spark-b"} == 1')).length === 1;
    }, 60_000);
  }, 600_000); // four ups, then 90 s + 60 s of waits

  it('the series of every node arrive in VictoriaMetrics through remote_write', async () => {
    const vmUrl = `http://${subnet(4)}.1:${vm.port}`;
    const hosts = await waitFor('series of all nodes in VictoriaMetrics', async (saw) => {
      await fetch(`${vmUrl}/internal/force_flush`);
      const r = await promQuery(vmUrl, 'count by (host) (up{job="node-exporter"})');
      const names = saw(r.map((s) => s.metric.host).sort());
      return ['central-1', 'h100-1', 'spark-a', 'spark-b'].every((h) => names.includes(h)) && names;
    }, 90_000, 2000);
    expect(hosts).toEqual(['central-1', 'h100-1', 'spark-a', 'spark-b']);
  });

  it('down on every host leaves nothing of the projects behind', async () => {
    for (const [host, dir] of Object.entries(dirs)) expect((await obsctl(dir, ['down', '--host', host, '--volumes', '--yes'])).code).toBe(0);
    for (const host of Object.keys(dirs)) expect(await projectLeftovers(`${stack}-${host}`)).toEqual([]);
  });
});
