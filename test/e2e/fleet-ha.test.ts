// Issue 19, HA central end to end: central runs two Prometheus replicas (real Prometheus 3.5), two
// Alertmanagers in one gossip cluster (real Alertmanager 0.28) and VictoriaMetrics (Debian
// trixie's, local image) that both replicas write to and Grafana's datasource reads; one agent
// node writes to both replicas. Each host is its own compose project on its own network. A tiny
// webhook receiver in this process counts notifications. With both replicas up the Watchdog (both
// replicas fire it, both send it to both Alertmanagers) arrives once; with replica a stopped,
// HAReplicaDown (fired by replica b, sent to both Alertmanagers) arrives once, the store still
// answers every dashboard query and keeps receiving the node's samples; replica a then returns and
// gets the node's samples of its outage from the agent's WAL.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, dockerUnavailable, freePort, obsctl, projectLeftovers, promQuery, skipOrFail, tempProject, testImages, waitFor } from './harness.js';

const vmImage = 'obsctl-test/victoria-metrics:1';
const reason = (await dockerUnavailable()) ?? ((await execa('docker', ['image', 'inspect', vmImage], { reject: false })).exitCode ? `local test image ${vmImage} missing (run bash docker/build-victoria-metrics-image.sh)` : undefined);
if (reason) skipOrFail(reason);

const interval = 5; // seconds between scrapes and rule evaluations
// A second Alertmanager that did not see the first one's notification log entry would send its
// copy one peer_timeout (15 s) later: waiting twice that after the first copy shows there is none.
const duplicateWindowMs = 30_000;

interface Notification {
  at: number;
  status: string;
  alertnames: string[];
  /** Which Alertmanager sent it (its external URL names its container). */
  from: string;
}

describe.skipIf(Boolean(reason))('an HA central: one of two replicas stopped, alerts still delivered once, dashboards still answered', () => {
  const stack = `ha-${process.pid % 10000}`;
  const base = 20 + (process.pid % 100) * 2; // subnets 172.29.<base..base+1>.0/24 (no other e2e file uses 172.29)
  const subnet = (i: number) => `172.29.${base + i}`;
  const dirs: Record<string, string> = {};
  const env: Record<string, string> = {};
  const notifications: Notification[] = [];
  let hook: http.Server | undefined;
  let ports: Record<string, number> = {};
  let url: Record<'prometheus' | 'prometheusB' | 'store', string>;

  const up = async (host: string) => {
    const r = await obsctl(dirs[host]!, ['up', '--host', host, '--json'], env);
    expect(r.code, `${host}: ${r.stdout}\n${r.stderr}`).toBe(0);
  };
  const verify = async () => {
    const v = await obsctl(dirs['central-1']!, ['verify', '--host', 'central-1', '--json', '--no-wait'], env);
    return (v.json() as { checks: { name: string; status: string; reason: string; evidence?: string }[] }).checks;
  };
  const firing = (alertname: string) => notifications.filter((n) => n.status === 'firing' && n.alertnames.includes(alertname));
  /** Waits for the first firing notification of an alert, then for any duplicate. */
  const deliveredOnce = async (alertname: string, timeoutMs: number) => {
    await waitFor(`a ${alertname} notification`, async (saw) => saw(notifications).some((n) => n.status === 'firing' && n.alertnames.includes(alertname)), timeoutMs, 1000);
    await new Promise((r) => setTimeout(r, duplicateWindowMs));
    const got = firing(alertname);
    console.log(`HA central: ${alertname}: ${got.length} firing notification(s) within ${duplicateWindowMs / 1000} s of the first, from ${got.map((n) => n.from).join(', ')}`);
    return got;
  };
  const container = async (service: string) =>
    (await execa('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${stack}-central-1`, '--filter', `label=com.docker.compose.service=${service}`])).stdout.trim();

  beforeAll(async () => {
    await buildOnce();
    for (const p of ['prometheus', 'alertmanager', 'prometheus_b', 'alertmanager_b', 'store', 'webhook', 'hook']) ports[p] = await freePort();
    url = { prometheus: `http://127.0.0.1:${ports.prometheus}`, prometheusB: `http://127.0.0.1:${ports.prometheus_b}`, store: `http://127.0.0.1:${ports.store}` };
    // The receiver listens on the node network's gateway (an address of this host that central's
    // Alertmanagers reach, as the agents reach central's); it exists once the node is up.
    env.HA_HOOK_URL = `http://${subnet(1)}.1:${ports.hook}/hook`;
    const config = {
      name: stack,
      images: { ...testImages, 'victoria-metrics': vmImage, pull_policy: 'never' },
      grafana: { enabled: false },
      ports: { prometheus: ports.prometheus, alertmanager: ports.alertmanager, grafana: 3000 },
      verify: { webhook_port: ports.webhook },
      prometheus: { scrape_interval: `${interval}s`, evaluation_interval: `${interval}s`, retention_size: '1GB' },
      alertmanager: {
        receivers: [{ name: 'hook', type: 'webhook', url: { env: 'HA_HOOK_URL' }, send_resolved: false }],
        // The Watchdog goes to `null` unless a route says otherwise; repeat_interval outlasts the test.
        route: { receiver: 'hook', group_wait: '5s', group_interval: '1m', repeat_interval: '4h', routes: [{ receiver: 'hook', matchers: ['alertname=~"Watchdog|HAReplicaDown"'] }] },
      },
      fleet: { mode: 'agent', central: { replicas: 2, ports: { prometheus_b: ports.prometheus_b, alertmanager_b: ports.alertmanager_b, store: ports.store } } },
      hosts: [
        { name: 'central-1', role: 'central', address: `${subnet(0)}.1`, network_subnet: `${subnet(0)}.0/24`, ports: { node_exporter: await freePort() } },
        { name: 'node-a', role: 'node', address: `${subnet(1)}.1`, network_subnet: `${subnet(1)}.0/24`, ports: { node_exporter: await freePort() } },
      ],
    };
    for (const h of ['central-1', 'node-a']) {
      dirs[h] = tempProject(`ha-${h}`);
      fs.writeFileSync(path.join(dirs[h], 'obsctl.yaml'), stringify(config));
    }
  });

  afterAll(async () => {
    hook?.closeAllConnections();
    hook?.close();
    for (const [host, dir] of Object.entries(dirs)) await obsctl(dir, ['down', '--host', host, '--volumes', '--yes'], env);
  });

  it('both replicas up: the store holds each series once, verify passes every replica, the Watchdog arrives once', async () => {
    await up('node-a');
    hook = await new Promise<http.Server>((resolve, reject) => {
      const s = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          res.writeHead(200).end();
          const b = JSON.parse(body) as { status: string; externalURL: string; alerts: { labels: Record<string, string> }[] };
          notifications.push({ at: Date.now(), status: b.status, from: b.externalURL, alertnames: [...new Set(b.alerts.map((a) => a.labels.alertname!))] });
        });
      });
      s.once('error', reject);
      s.listen(ports.hook, `${subnet(1)}.1`, () => resolve(s));
    });
    await up('central-1');

    await waitFor('the node\'s and central\'s series in the store', async (saw) => {
      const r = saw(await promQuery(url.store, 'up{job="node-exporter"}'));
      return ['node-a', 'central-1'].every((h) => r.some((s) => s.metric.host === h && s.value[1] === '1'));
    }, 120_000, 3000);
    // Written by both replicas, stored without `replica`: one series per target, not two.
    const jobs = await waitFor('both replicas\' self-scrapes in the store', async (saw) => {
      const r = saw(await promQuery(url.store, 'count by (instance) (up{job="prometheus"})'));
      return r.length === 2 && r;
    }, 60_000, 3000);
    expect(jobs.map((s) => [s.metric.instance, s.value[1]]).sort()).toEqual([['prometheus-b:9090', '1'], ['prometheus:9090', '1']]);
    expect(await promQuery(url.store, 'count(up{replica!=""})')).toEqual([]);

    const checks = await waitFor('verify: each replica ready and scraping, the AM cluster at 2 peers, the store answering every dashboard query', async () => {
      const c = (await verify()).filter((x) => /^(replica |alertmanager cluster |store: )/.test(x.name));
      // The App dashboard is skipped without app targets, in the store as against replica a.
      return c.length >= 5 && c.every((x) => x.status === 'pass' || (x.name.endsWith(' App') && x.status === 'skip')) && c;
    }, 180_000, 10_000).catch(async (e) => {
      console.log('HA central: verify', JSON.stringify((await verify()).filter((x) => x.status !== 'pass'), null, 1));
      throw e;
    });
    for (const c of checks) console.log(`HA central: verify ${c.name}: ${c.reason}`);
    expect(checks.filter((c) => c.name.startsWith('alertmanager cluster ')).map((c) => c.reason)).toEqual([expect.stringContaining('2 peers'), expect.stringContaining('2 peers')]);

    // Both replicas fire the Watchdog and send it to both Alertmanagers: four copies in, one out.
    expect(await deliveredOnce('Watchdog', 180_000)).toHaveLength(1);

    // Dedup: each replica holds a full series of `up` for node-a (forwarded from the agent, same
    // timestamps) and for central's node-exporter (scraped by each replica at its own moments);
    // both write them to the store, which keeps one sample per scrape interval, not two.
    const per = 60 / interval; // samples in 60 s
    for (const host of ['node-a', 'central-1']) {
      const q = `count_over_time(up{host="${host}",job="node-exporter"}[60s])`;
      const counts = await waitFor(`60 s of ${host} samples in the store`, async (saw) => {
        const at = Math.floor(Date.now() / 1000) - 40; // VictoriaMetrics hides the newest 30 s (-search.latencyOffset)
        const [store = 0, a = 0, b = 0] = saw(await Promise.all([url.store, url.prometheus, url.prometheusB].map(async (u) => Number((await promQuery(u, q, at))[0]?.value[1] ?? 0))));
        return store >= per - 1 && a >= per - 1 && b >= per - 1 && { store, a, b };
      }, 120_000, 5000);
      console.log(`HA central: ${host} up samples over 60 s: replica a ${counts.a}, replica b ${counts.b}, store ${counts.store} (one per ${interval} s: ${per})`);
      expect(counts.store).toBeLessThanOrEqual(per + 1);
    }
  }, 1_200_000); // two ups, then 120 + 60 + 180 + 180 + 30 + 2 × 120 s of waits

  it('replica a stopped: HAReplicaDown arrives once, the store answers every dashboard query and keeps the node\'s samples; replica a returns with them', async () => {
    const promA = await container('prometheus');
    expect(promA).not.toBe('');
    const stopped = Date.now() / 1000;
    await execa('docker', ['stop', promA]);

    // Replica b sees replica a's scrape fail, fires after `for: 1m`, sends to both Alertmanagers.
    const down = await deliveredOnce('HAReplicaDown', 240_000);
    expect(down).toHaveLength(1);
    expect(firing('Watchdog')).toHaveLength(1); // still firing on replica b: no new notification

    // What Grafana reads does not depend on replica a: verify's store checks (every dashboard query).
    const checks = await verify();
    const store = checks.filter((c) => c.name.startsWith('store: '));
    for (const c of store) console.log(`HA central: replica a down, verify ${c.name}: ${c.status}: ${c.reason}`);
    expect(store.length).toBeGreaterThan(0);
    expect(store.filter((c) => c.status !== 'pass' && c.status !== 'skip')).toEqual([]);
    // ... and verify names the broken replica.
    expect(checks.find((c) => c.name === 'replica prometheus')?.status).toBe('fail');
    expect(checks.find((c) => c.name === 'replica prometheus-b')?.status).toBe('pass');
    const returned = Date.now() / 1000;
    const outage = Math.floor(returned - stopped);
    // A fixed window of the outage, asked until two remote-write hops (agent → replica b → store)
    // under load have delivered it: its samples can arrive later than the 35 s margin.
    const want = Math.floor((outage - 40) / interval) - 1;
    const inStore = await waitFor('the node\'s samples of the outage in the store', async (saw) => {
      const r = saw(await promQuery(url.store, `count_over_time(up{host="node-a",job="node-exporter"}[${outage - 40}s])`, Math.floor(returned) - 35));
      return Number(r[0]?.value[1]) >= want && r;
    }, 60_000, 5000);
    console.log(`HA central: replica a stopped ${outage} s; node-a samples in the store over its last ${outage - 40} s: ${inStore[0]?.value[1]} (one per ${interval} s: ${Math.floor((outage - 40) / interval)})`);
    expect(Number(inStore[0]?.value[1])).toBeGreaterThanOrEqual(want);

    await execa('docker', ['start', promA]);
    // The agent's queue for replica a resends what it missed from its WAL.
    const backfilled = await waitFor('replica a backfilled from the agent\'s WAL', async (saw) => {
      const r = saw(await promQuery(url.prometheus, `count_over_time(up{host="node-a",job="node-exporter"}[${outage}s])`, Math.floor(returned))); // refused while it starts: tried again
      const n = Number(r[0]?.value[1] ?? 0);
      return n >= Math.floor(outage / interval) - 1 && n;
    }, 180_000, 5000);
    console.log(`HA central: replica a back; node-a samples over its ${outage} s outage on replica a: ${backfilled} (one per ${interval} s: ${Math.floor(outage / interval)})`);
    await waitFor('verify: both replicas ready again', async (saw) => {
      const c = saw((await verify()).filter((x) => x.name.startsWith('replica ')));
      return c.length === 2 && c.every((x) => x.status === 'pass');
    }, 120_000, 5000);
    expect(firing('HAReplicaDown')).toHaveLength(1);
  }, 900_000);

  it('a config change reloads both replicas and both Alertmanagers in place: the same containers, the new config in each', async () => {
    const services = ['prometheus', 'prometheus-b', 'alertmanager', 'alertmanager-b'];
    const ids = await Promise.all(services.map(container));
    const file = path.join(dirs['central-1']!, 'obsctl.yaml');
    const config = parse(fs.readFileSync(file, 'utf8')) as { alerts?: unknown; alertmanager: { route: { group_interval: string } } };
    config.alerts = { host: { disk_free_ratio: 0.07 } };
    config.alertmanager.route.group_interval = '2m';
    fs.writeFileSync(file, stringify(config));
    const r = await obsctl(dirs['central-1']!, ['up', '--host', 'central-1', '--json'], env);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const summary = r.json() as { reloaded: Record<string, string>; recreated: string[] };
    expect(summary.reloaded).toEqual({ prometheus: 'reloaded', 'prometheus-b': 'reloaded', alertmanager: 'reloaded', 'alertmanager-b': 'reloaded' });
    expect(summary.recreated).toEqual([]);
    expect(await Promise.all(services.map(container))).toEqual(ids);
    // Each replica evaluates the new threshold; each Alertmanager runs the new route.
    for (const u of [url.prometheus, url.prometheusB]) {
      const rules = (await (await fetch(`${u}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; query: string }[] }[] } };
      const disk = rules.data.groups.flatMap((g) => g.rules).filter((x) => x.name === 'HostDiskSpaceLow').map((x) => x.query);
      expect(disk, u).toContain('instance_mountpoint:node_filesystem_avail_bytes:ratio < 0.07');
    }
    for (const port of [ports.alertmanager, ports.alertmanager_b]) {
      const status = (await (await fetch(`http://127.0.0.1:${port}/api/v2/status`)).json()) as { config: { original: string } };
      expect(status.config.original).toContain('group_interval: 2m');
    }
  }, 300_000);

  it('down on every host leaves nothing of the projects behind', async () => {
    for (const [host, dir] of Object.entries(dirs)) expect((await obsctl(dir, ['down', '--host', host, '--volumes', '--yes'], env)).code).toBe(0);
    for (const host of Object.keys(dirs)) expect(await projectLeftovers(`${stack}-${host}`)).toEqual([]);
  });
});
