// The polled sources and the watcher's outage handling. The API answers in test/fixtures/watch/
// were recorded from the real Prometheus 3.5.3 / Alertmanager 0.28.1 of the e2e stack (simulated GPU,
// GPUTemperatureHigh firing); a small HTTP server replays them, and is stopped and started again to
// make the source really unreachable (ECONNREFUSED) and reachable.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertmanagerSource, parseAlerts, parseDelivery, parseGpus, parseRules, parseTargets, prometheusSource } from '../src/watch/http-sources.js';
import { Hub } from '../src/watch/hub.js';
import type { WatchEvent } from '../src/watch/model.js';
import { Watcher } from '../src/watch/watcher.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'watch', name), 'utf8');

describe('parsers of recorded API answers', () => {
  it('targets: job, instance, health, last scrape', () => {
    const targets = parseTargets(JSON.parse(fixture('prometheus-targets.json')));
    expect(targets.map((t) => t.job)).toEqual(expect.arrayContaining(['alertmanager', 'dcgm-exporter', 'node-exporter', 'prometheus']));
    expect(targets.every((t) => t.health === 'up' && t.lastError === '' && t.lastScrape && t.instance)).toBe(true);
  });

  it('rules: every rule of every group, with health', () => {
    const rules = parseRules(JSON.parse(fixture('prometheus-rules.json')));
    expect(rules.length).toBeGreaterThan(20);
    expect(rules.find((r) => r.name === 'GPUTemperatureHigh')).toMatchObject({ health: 'ok', query: expect.stringContaining('DCGM_FI_DEV_GPU_TEMP') });
  });

  it('GPUs: one headline per GPU, memory total from used + free, no host prefix with one host', () => {
    const series = (JSON.parse(fixture('prometheus-gpu-query.json')) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    const value = (name: string) => Number(series.find((s) => s.metric.__name__ === name)!.value[1]);
    const gpus = parseGpus(series);
    expect(gpus).toEqual([
      {
        id: '0',
        model: 'Tesla T4',
        utilPercent: value('DCGM_FI_DEV_GPU_UTIL'),
        temperatureC: value('DCGM_FI_DEV_GPU_TEMP'),
        powerW: value('DCGM_FI_DEV_POWER_USAGE'),
        memUsedMiB: value('DCGM_FI_DEV_FB_USED'),
        memTotalMiB: value('DCGM_FI_DEV_FB_USED') + value('DCGM_FI_DEV_FB_FREE'),
      },
    ]);
  });

  it('GPUs: a GB10-like exporter without framebuffer fields has no memory in its headline', () => {
    const series = (JSON.parse(fixture('prometheus-gpu-query.json')) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result.filter((s) => !s.metric.__name__!.startsWith('DCGM_FI_DEV_FB'));
    expect(Object.keys(parseGpus(series)[0]!)).not.toContain('memUsedMiB');
  });

  it('alerts: active ones with severity, summary and receivers', () => {
    const alerts = parseAlerts(JSON.parse(fixture('alertmanager-alerts.json')));
    expect(alerts.find((a) => a.name === 'GPUTemperatureHigh')).toMatchObject({ severity: 'critical', receivers: expect.any(Array), summary: expect.stringContaining('GPU') });
    expect(alerts.find((a) => a.name === 'Watchdog')).toBeDefined();
  });
});

describe('delivery counts from Alertmanager\'s /metrics', () => {
  // Recorded from the real Alertmanager 0.28.1 whose webhook receiver answered HTTP 400 seven times.
  it('sums sent and failed per integration, leaving out integrations that never sent', () => {
    expect(parseDelivery(fixture('alertmanager-metrics.txt'))).toEqual([{ integration: 'webhook', sent: 7, failed: 7 }]);
    expect(parseDelivery('')).toEqual([]);
  });
});

const until = async (what: string, ok: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('watcher: snapshot, stale with backoff, resynced', () => {
  let server: http.Server | undefined;
  afterEach(() => server?.close());

  const listen = (port = 0) =>
    new Promise<number>((resolve) => {
      server = http.createServer((req, res) => {
        const p = new URL(req.url!, 'http://x').pathname;
        const body = { '/api/v1/targets': 'prometheus-targets.json', '/api/v1/rules': 'prometheus-rules.json', '/api/v1/query': 'prometheus-gpu-query.json', '/api/v2/alerts': 'alertmanager-alerts.json', '/metrics': 'alertmanager-metrics.txt' }[p];
        res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(body ? fixture(body) : '{}');
      });
      server.listen(port, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });

  it('publishes one snapshot, one stale per outage while retrying 1x, 2x, 4x..., then resynced with the state', async () => {
    const port = await listen();
    const base = `http://127.0.0.1:${port}`;
    const hub = new Hub();
    const events: WatchEvent[] = [];
    hub.subscribe((e) => events.push(e));
    let polls = 0;
    const prometheus = prometheusSource(base);
    const counted = { name: 'prometheus' as const, poll: () => (polls++, prometheus.poll()) };
    const watcher = new Watcher('demo', hub, [counted, alertmanagerSource(base)], [], { intervalMs: 50, firstBackoffMs: 40, maxBackoffMs: 160 });
    await watcher.start();
    expect(events.map((e) => e.type)).toEqual(['snapshot']);
    expect(watcher.state.targets.length).toBeGreaterThan(3);
    expect(watcher.state.delivery).toEqual([{ integration: 'webhook', sent: 7, failed: 7 }]);

    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const downAt = Date.now();
    await until('both sources stale', () => events.filter((e) => e.type === 'stale').length === 2);
    const stale = events.filter((e) => e.type === 'stale');
    expect(stale.map((e) => e.source).sort()).toEqual(['alertmanager', 'prometheus']);
    expect(stale[0]!.evidence.error).toBe('ECONNREFUSED');
    expect(watcher.state.sources.prometheus).toMatchObject({ status: 'stale', error: 'ECONNREFUSED' });
    // Backoff 40, 80, 160, 160 ... ms: at most about 8 polls in a second, not 20 as at the 50 ms interval.
    const before = polls;
    await new Promise((r) => setTimeout(r, 1000));
    expect(polls - before).toBeLessThanOrEqual(8);
    expect(events.filter((e) => e.type === 'stale')).toHaveLength(2); // once per outage
    await listen(port);
    await until('both sources resynced', () => events.filter((e) => e.type === 'resynced').length === 2);
    watcher.stop();
    const resynced = events.filter((e) => e.type === 'resynced');
    expect(resynced.map((e) => e.source).sort()).toEqual(['alertmanager', 'prometheus']);
    expect(resynced[0]!.id).toBeGreaterThan(stale.at(-1)!.id);
    expect(resynced[0]!.evidence.staleForMs as number).toBeGreaterThan(900);
    expect(resynced[0]!.evidence.staleForMs as number).toBeLessThanOrEqual(Date.now() - downAt);
    expect((resynced.find((e) => e.source === 'prometheus')!.evidence.state as { targets: unknown[] }).targets.length).toBeGreaterThan(3);
    expect(watcher.state.sources.prometheus.status).toBe('ok');
    // Nothing changed in between, so nothing but the outage was reported.
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['snapshot', 'stale', 'resynced']));
  });
});
