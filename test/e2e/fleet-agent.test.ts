// Issue 19, agent mode end to end: two nodes run Prometheus --agent (scraping their own exporters)
// and remote-write to central; each host is its own compose project on its own network of the
// real engine. Central's Prometheus is stopped for 2 minutes while the agents keep scraping; once
// it is back, every sample of the outage reaches it from the agents' WALs: the raw samples of each
// node's `up` over the outage have no gap beyond one scrape interval (counts printed).
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCa, issueHostCert } from '../../src/fleet/certs.js';
import type { HostBundle } from '../../src/runtime/fleet-tls-store.js';
import { buildOnce, dockerUnavailable, freePort, obsctl, projectLeftovers, promQuery, skipOrFail, tempProject, testImages, waitFor } from './harness.js';

const reason = await dockerUnavailable();
if (reason) skipOrFail(reason);

const interval = 5; // seconds between scrapes on the agents
const outageSeconds = 120; // the issue's 2 minutes
// On a loaded 2-core CI machine the agents' retry backoff and the backlog can take minutes.
const backlogWaitMs = 240_000;

interface Matrix {
  data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
}

describe.skipIf(Boolean(reason))('an agent fleet: two agent nodes, central away for 2 minutes, nothing lost', () => {
  const stack = `tls-agent${process.pid % 10000}`;
  const base = 10 + (process.pid % 60) * 3; // subnets 172.28.<base..base+2>.0/24 (no other e2e file uses 172.28)
  const subnet = (i: number) => `172.28.${base + i}`;
  const dirs: Record<string, string> = {};
  let prom = '';
  let promPort = 0;
  const bundleFile = (host: string) => path.join(dirs['central-1']!, '.obsctl', 'fleet-hosts', `${host}.json`);
  /** One HTTPS POST to central's remote-write receiver, as some client on the network could try. */
  const post = (opts: { ca: string; cert?: string; key?: string; auth?: string }) =>
    new Promise<{ status?: number; error?: string }>((resolve) => {
      const req = https.request(`https://${subnet(0)}.1:${promPort}/api/v1/write`, { method: 'POST', ca: opts.ca, cert: opts.cert, key: opts.key, headers: opts.auth ? { authorization: `Basic ${Buffer.from(opts.auth).toString('base64')}` } : {}, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode! }));
      });
      req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });

  const node = async (name: string, i: number, gpu: string) => ({
    name,
    role: 'node',
    address: `${subnet(i)}.1`,
    network_subnet: `${subnet(i)}.0/24`,
    gpu,
    labels: { rack: `r${i}` },
    ports: { node_exporter: await freePort(), dcgm_exporter: await freePort() },
  });
  const up = async (host: string) => {
    const r = await obsctl(dirs[host]!, ['up', '--host', host, '--simulate-gpu', '--json']);
    expect(r.code, `${host}: ${r.stdout}\n${r.stderr}`).toBe(0);
    return r.json() as { project: string; services: { service: string; id: string }[] };
  };
  /** Raw samples of `up` per host and job between two times (seconds), from central. */
  const samples = async (from: number, to: number) => {
    const q = `up{job=~"node-exporter|dcgm-exporter",host=~"spark-a|h100-1"}[${Math.ceil(to - from)}s]`;
    const r = (await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}&time=${to}`)).json()) as Matrix;
    return r.data.result.map((s) => {
      const ts = s.values.map(([t]) => t);
      const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
      return { key: `${s.metric.host}/${s.metric.job}`, count: ts.length, maxGap: Math.max(0, ...gaps), first: ts[0]!, last: ts[ts.length - 1]! };
    });
  };

  /** All four series (2 hosts × 2 exporters) from `from` to `to`, no gap beyond one scrape interval (and its jitter). */
  const complete = (r: Awaited<ReturnType<typeof samples>>, from: number, to: number) =>
    r.length === 4 && r.every((s) => s.maxGap <= 1.5 * interval && s.first - from <= 1.5 * interval && to - s.last <= 1.5 * interval) && r;

  beforeAll(async () => {
    await buildOnce();
    const ports = { prometheus: await freePort(), alertmanager: await freePort(), webhook: await freePort() };
    prom = `http://127.0.0.1:${ports.prometheus}`;
    promPort = ports.prometheus;
    const config = {
      name: stack,
      images: { ...testImages, pull_policy: 'never' },
      grafana: { enabled: false },
      ports: { prometheus: ports.prometheus, alertmanager: ports.alertmanager, grafana: 3000 },
      verify: { webhook_port: ports.webhook },
      prometheus: { scrape_interval: `${interval}s`, evaluation_interval: `${interval}s`, retention_size: '1GB' },
      fleet: { mode: 'agent', tls: true },
      hosts: [
        { name: 'central-1', role: 'central', address: `${subnet(0)}.1`, network_subnet: `${subnet(0)}.0/24`, ports: { node_exporter: await freePort() } },
        await node('spark-a', 1, 'gb10'),
        await node('h100-1', 2, 'nvidia'),
      ],
    };
    for (const h of ['central-1', 'spark-a', 'h100-1']) {
      dirs[h] = tempProject(`fagent-${h}`);
      fs.writeFileSync(path.join(dirs[h], 'obsctl.yaml'), stringify(config));
    }
  });

  afterAll(async () => {
    for (const [host, dir] of Object.entries(dirs)) await obsctl(dir, ['down', '--host', host, '--volumes', '--yes']);
  });

  it('agents remote-write their exporters to central over TLS; verify on central names each host with its last sample age', async () => {
    // fleet-certs on central (the CA stays there); each node gets its own bundle.
    const certs = await obsctl(dirs['central-1']!, ['fleet-certs', '--json']);
    expect(certs.code, certs.stderr).toBe(0);
    for (const h of ['spark-a', 'h100-1']) {
      fs.mkdirSync(path.join(dirs[h]!, '.obsctl', 'fleet-hosts'), { recursive: true, mode: 0o700 });
      fs.copyFileSync(bundleFile(h), path.join(dirs[h]!, '.obsctl', 'fleet-hosts', `${h}.json`));
    }
    const a = await up('spark-a');
    expect(a.services.map((s) => s.service).sort()).toEqual(['dcgm-exporter', 'node-exporter', 'prometheus']);
    await up('h100-1');
    await up('central-1');
    await waitFor('both agents\' series on central', async () => {
      const r = await promQuery(prom, 'up{job=~"node-exporter|dcgm-exporter"} == 1');
      const seen = new Set(r.map((s) => `${s.metric.job}/${s.metric.host}`));
      return ['node-exporter/spark-a', 'node-exporter/h100-1', 'dcgm-exporter/spark-a', 'dcgm-exporter/h100-1', 'node-exporter/central-1'].every((k) => seen.has(k));
    }, 90_000, 2000);
    // Central scrapes no node in this topology: the series came through remote write.
    const targets = (await (await fetch(`${prom}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: { labels: Record<string, string> }[] } };
    expect(targets.data.activeTargets.filter((t) => t.labels.host && t.labels.host !== 'central-1')).toEqual([]);
    const gpu = await promQuery(prom, 'DCGM_FI_DEV_GPU_TEMP{host="spark-a"}');
    expect(gpu[0]?.metric).toMatchObject({ modelName: 'NVIDIA GB10', rack: 'r1' });
    // Labelled like a pull-mode scrape by central would label it: the node's address.
    expect(gpu[0]?.metric.instance).toMatch(new RegExp(`^${subnet(1).replaceAll('.', '\\.')}\\.1:\\d+$`));
    const checks = await waitFor('verify on central to pass both hosts', async () => {
      const v = await obsctl(dirs['central-1']!, ['verify', '--host', 'central-1', '--json', '--no-wait']);
      const c = (v.json() as { checks: { name: string; status: string; reason: string }[] }).checks.filter((x) => x.name.startsWith('host '));
      return c.length === 2 && c.every((x) => x.status === 'pass') && c;
    }, 60_000, 5000);
    for (const c of checks) expect(c.reason).toMatch(/last sample via remote write \d+ s ago \(TLS receiver: client certificate and basic auth\)/);
  });

  it('central\'s receiver refuses a writer without the fleet\'s client certificate, with another CA\'s, or without its password', async () => {
    const node = JSON.parse(fs.readFileSync(bundleFile('spark-a'), 'utf8')) as HostBundle;
    const other = issueCa('someone-else', new Date());
    const stranger = issueHostCert(other, { name: 'spark-a', address: `${subnet(1)}.1` }, new Date());
    const auth = `spark-a:${node.password}`;
    const answers = {
      noClientCert: await post({ ca: node.ca, auth }),
      otherCa: await post({ ca: node.ca, ...stranger, auth }),
      noPassword: await post({ ca: node.ca, cert: node.cert, key: node.key }),
      wrongPassword: await post({ ca: node.ca, cert: node.cert, key: node.key, auth: 'spark-a:guess' }),
      // Past TLS and auth, the receiver itself answers (an empty body is not a write request).
      agentCredentials: await post({ ca: node.ca, cert: node.cert, key: node.key, auth }),
    };
    console.log('agent fleet: receiver answers', JSON.stringify(Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.status ?? v.error]))));
    expect(answers.noClientCert.status).toBeUndefined(); // the TLS handshake itself fails
    expect(answers.otherCa.status).toBeUndefined();
    expect(answers.noPassword.status).toBe(401);
    expect(answers.wrongPassword.status).toBe(401);
    expect(answers.agentCredentials.status).toBe(400);
    // Central's own (plain HTTP) Prometheus is not on central's address at all: only the TLS receiver is.
    const plain = await fetch(`http://${subnet(0)}.1:${promPort}/api/v1/write`, { method: 'POST' }).then((r) => r.text(), () => '');
    expect(plain).toMatch(/HTTP request to an HTTPS server/);
  });

  it('central stopped for 2 minutes: afterwards every node\'s samples of the outage are there, no gap beyond one scrape interval', async () => {
    const project = `${stack}-central-1`;
    const container = (await execa('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=prometheus'])).stdout.trim();
    expect(container).not.toBe('');
    // The claim is about the outage, so the stretch just before the stop must already be on central,
    // unbroken, before central goes away. On a quick machine this test starts about 20 s after the
    // agents did, and their first samples waited for central's receiver: in one CI run spark-a's
    // first ~20 s never reached central (an x509 error from the receiver at start-up in its log).
    await waitFor('an unbroken stretch of every node on central before the stop', async (saw) => {
      // Ending 3 intervals ago: a sample passes two remote-write queues (agent, receiver), each
      // sending at least every 5 s, so the newest ~10 s are still on their way.
      const end = Date.now() / 1000 - 3 * interval;
      return complete(saw(await samples(end - 4 * interval, end)), end - 4 * interval, end);
    }, 120_000, 2000);
    const stopped = Date.now() / 1000;
    // A clean stop (Prometheus flushes its WAL), with time for it on a loaded machine: not a kill after 10 s.
    await execa('docker', ['stop', '--time', '60', container]);
    await new Promise((r) => setTimeout(r, outageSeconds * 1000));
    // While it was away the verify check on the agents' side cannot run; central comes back now.
    await execa('docker', ['start', container]);
    const started = Date.now() / 1000;
    const from = stopped - 3 * interval;
    const to = started + 3 * interval;
    // The agents' queues retry with backoff (max 10 s) and then send the backlog: wait for it.
    const result = await waitFor('the outage backfilled from the agents\' WALs', async () => {
      if (Date.now() / 1000 < to + 10) return false;
      return complete(await samples(from, to), from, to);
    }, backlogWaitMs, 5000).catch(async (e) => {
      // What reached central, and what the agents said about sending it: enough to tell a slow
      // backlog from a lost one.
      console.log('agent fleet: samples over the outage', JSON.stringify(await samples(from, to).catch(() => [])));
      for (const host of ['spark-a', 'h100-1', 'central-1']) {
        const logs = await execa('docker', ['logs', '--tail', '25', `${stack}-${host}-prometheus-1`], { reject: false });
        console.log(`agent fleet: ${host} prometheus log tail:\n${logs.stdout}\n${logs.stderr}`);
      }
      throw e;
    });
    const expected = Math.floor((to - from) / interval);
    for (const s of result.sort((x, y) => (x.key < y.key ? -1 : 1))) {
      console.log(`agent fleet: ${s.key}: ${s.count} samples over ${Math.round(to - from)} s (one per ${interval} s: ${expected}), largest gap ${s.maxGap} s; central was stopped ${Math.round(started - stopped)} s`);
      expect(s.count).toBeGreaterThanOrEqual(expected - 1);
      expect(s.maxGap).toBeLessThanOrEqual(1.5 * interval);
    }
    // The outage, the backlog wait and the stop/start themselves: more than the e2e default of 5 min.
  }, (outageSeconds + backlogWaitMs / 1000 + 240) * 1000);

  it('down on every host leaves nothing of the projects behind', async () => {
    for (const [host, dir] of Object.entries(dirs)) expect((await obsctl(dir, ['down', '--host', host, '--volumes', '--yes'])).code).toBe(0);
    for (const host of Object.keys(dirs)) expect(await projectLeftovers(`${stack}-${host}`)).toEqual([]);
  });
});
