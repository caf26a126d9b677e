// verify's agent-fleet check on central, against a real Prometheus 3.5: each node is named with
// the age of its newest sample, a node whose agent cannot scrape a job is named as down, and a
// node that sends nothing is named as missing. The `up` series are what central holds from the
// agents (host and job labels); here a real Prometheus makes them by scraping a local exporter.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { agentChecks } from '../src/verify/checks/agents.js';
import type { ExpectedStack } from '../src/verify/expected.js';

const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;
const inCI = process.env.CI === 'true';
// CI installs Prometheus 3.5 (.ci/install-tools.sh): there a missing binary is a failure, not a skip.
if (!hasPrometheus && inCI) throw new Error('verify-agents.test.ts: `prometheus` is not on PATH under CI=true (.ci/install-tools.sh installs it)');
if (!hasPrometheus) console.warn('SKIPPED: verify-agents.test.ts: no `prometheus` on PATH (bash .ci/install-tools.sh); the agent fleet checks did not run against a real Prometheus, this is not a pass');
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

describe.skipIf(!hasPrometheus)('agent fleet checks against a real Prometheus 3.5', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-verify-agents-'));
  const hosts = Array.from({ length: 30 }, (_, i) => `gpu-${i + 1}`);
  let exporter: http.Server;
  let server: ReturnType<typeof spawn> | undefined;
  let base = '';

  beforeAll(async () => {
    // The Content-Type Prometheus 3 requires of a scrape.
    exporter = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('# TYPE demo gauge\ndemo 1\n'));
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
    const up = `127.0.0.1:${(exporter.address() as net.AddressInfo).port}`;
    const closed = `127.0.0.1:${await freePort()}`;
    // Every host's node-exporter answers; gpu-2's dcgm-exporter does not; gpu-missing sends nothing.
    const job = (name: string, target: (host: string) => string) => ({ job_name: name, static_configs: hosts.map((host) => ({ targets: [target(host)], labels: { host, instance: `${host}:1` } })) });
    const config = { global: { scrape_interval: '1s' }, scrape_configs: [job('node-exporter', () => up), job('dcgm-exporter', (h) => (h === 'gpu-2' ? closed : up))] };
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn('prometheus', [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    // Until every host's both jobs have a sample.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent('count(up)')}`).then((x) => x.json() as Promise<{ data: { result: { value: [number, string] }[] } }>, () => undefined);
      if (Number(r?.data.result[0]?.value[1]) === 2 * hosts.length) break;
      if (Date.now() > deadline) throw new Error('Prometheus did not scrape every target in 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 40_000);

  afterAll(() => {
    server?.kill('SIGTERM');
    exporter?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names every node: up with its sample age, a job its agent cannot scrape, a node that sends nothing', async () => {
    const agents = [...hosts, 'gpu-missing'].map((host) => ({ host, jobs: ['node-exporter', 'dcgm-exporter'], intervalSeconds: 1 }));
    const checks = await agentChecks(base, { agents } as unknown as ExpectedStack);
    expect(checks.map((c) => c.name)).toEqual(agents.map((a) => `host ${a.host}`));
    const byHost = new Map(checks.map((c) => [c.name, c]));
    for (const host of hosts.filter((h) => h !== 'gpu-2')) {
      expect(byHost.get(`host ${host}`), byHost.get(`host ${host}`)!.reason).toMatchObject({ status: 'pass', group: 'targets' });
      expect(byHost.get(`host ${host}`)!.reason).toMatch(/^node-exporter, dcgm-exporter up; last sample via remote write \d+ s ago$/);
    }
    expect(byHost.get('host gpu-2')).toMatchObject({ status: 'fail', reason: 'dcgm-exporter on gpu-2 is down (its agent cannot scrape it)', needs: { jobs: ['node-exporter', 'dcgm-exporter'] } });
    expect(byHost.get('host gpu-missing')).toMatchObject({ status: 'fail', reason: 'no node-exporter sample from gpu-missing in the last 5 minutes (remote write)' });
    expect(byHost.get('host gpu-missing')!.evidence).toContain('no dcgm-exporter sample from gpu-missing');
  });

  it('names a node whose newest sample is older than two intervals plus remote write batching', async () => {
    // Samples come every second; an interval of -8 s allows an age of -1 s, which every sample exceeds.
    const checks = await agentChecks(base, { agents: [{ host: 'gpu-1', jobs: ['node-exporter'], intervalSeconds: -8 }] } as unknown as ExpectedStack);
    expect(checks[0]).toMatchObject({ status: 'fail', name: 'host gpu-1' });
    expect(checks[0]!.reason).toMatch(/^node-exporter: last sample via remote write \d+ s ago \(limit -1 s\)$/);
  });

  it('names every node when Prometheus does not answer', async () => {
    const checks = await agentChecks(`http://127.0.0.1:${await freePort()}`, { agents: [{ host: 'a', jobs: ['node-exporter'], intervalSeconds: 15 }, { host: 'b', jobs: ['node-exporter'], intervalSeconds: 15 }] } as unknown as ExpectedStack);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['host a', 'fail'],
      ['host b', 'fail'],
    ]);
    expect(checks[0]!.reason).toMatch(/^cannot query Prometheus: no answer \(ECONNREFUSED\)/);
  });

  it('has no checks without agents', async () => {
    expect(await agentChecks(base, {} as ExpectedStack)).toEqual([]);
  });
});
