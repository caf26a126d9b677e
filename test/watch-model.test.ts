// The pure watch core: state diff -> typed events, backoff, --until, the terminal view's lines.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { Hub } from '../src/watch/hub.js';
import { backoffMs, emptyState, eventTypes, snapshotEvent, transitions, type StackState, type WatchEvent } from '../src/watch/model.js';
import { parseUntil, untilMatches } from '../src/watch/until.js';
import { renderView } from '../src/watch/view.js';

const base = (): StackState => ({
  ...emptyState('demo'),
  services: [
    { name: 'node-exporter', state: 'running', health: 'healthy', restarts: 0 },
    { name: 'prometheus', state: 'running', health: 'healthy', restarts: 0 },
  ],
  targets: [
    { job: 'node-exporter', instance: '172.30.1.1:9100', health: 'up', lastError: '', lastScrape: '2026-01-01T00:00:00Z', scrapeUrl: 'http://172.30.1.1:9100/metrics' },
    { job: 'prometheus', instance: 'localhost:9090', health: 'up', lastError: '', scrapeUrl: 'http://localhost:9090/metrics' },
  ],
  alerts: [{ fingerprint: 'a1', name: 'Watchdog', severity: 'none', startsAt: '2026-01-01T00:00:00Z', summary: 'heartbeat', receivers: ['null'], labels: { alertname: 'Watchdog' } }],
  rules: [{ group: 'g', name: 'NodeDown', health: 'ok', lastError: '', query: 'up == 0' }],
  gpus: [{ id: '0', model: 'Tesla T4', utilPercent: 40, temperatureC: 25, powerW: 9 }],
});

describe('transitions', () => {
  it('is empty for the same state', () => {
    expect(transitions(base(), base())).toEqual([]);
  });

  it('a stopped container is one service_health_changed with from/to as evidence', () => {
    const next = base();
    next.services[0] = { name: 'node-exporter', state: 'exited', restarts: 0 };
    const [e, ...rest] = transitions(base(), next);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ type: 'service_health_changed', subject: 'node-exporter', evidence: { from: 'running/healthy', to: 'exited' } });
    expect(e!.summary).toBe('node-exporter exited (was running/healthy)');
  });

  it('a restart counted by the engine is a change even when the state reads the same', () => {
    const next = base();
    next.services[1] = { ...next.services[1]!, restarts: 2 };
    expect(transitions(base(), next)[0]).toMatchObject({ type: 'service_health_changed', subject: 'prometheus', evidence: { restarts: 2 } });
  });

  it('target down and up again, with the scrape error; unknown (not scraped yet) is no transition', () => {
    const down = base();
    down.targets[0] = { ...down.targets[0]!, health: 'down', lastError: 'connect: connection refused' };
    expect(transitions(base(), down)).toEqual([
      expect.objectContaining({ type: 'target_down', subject: 'node-exporter 172.30.1.1:9100', summary: 'node-exporter 172.30.1.1:9100 is down: connect: connection refused', evidence: expect.objectContaining({ lastError: 'connect: connection refused', was: 'up' }) }),
    ]);
    expect(transitions(down, base())).toEqual([expect.objectContaining({ type: 'target_up', subject: 'node-exporter 172.30.1.1:9100' })]);
    const unknown = base();
    unknown.targets[0] = { ...unknown.targets[0]!, health: 'unknown' };
    expect(transitions(down, unknown)).toEqual([]);
    expect(transitions(unknown, base())).toEqual([]);
    // A target that shows up already down is reported.
    expect(transitions({ ...base(), targets: [] }, down).map((e) => e.type)).toEqual(['target_down']);
  });

  it('alerts firing and resolved by fingerprint, evidence carries labels and receivers', () => {
    const next = base();
    next.alerts = [{ fingerprint: 'b2', name: 'GPUTemperatureHigh', severity: 'critical', startsAt: '2026-01-01T00:02:00Z', summary: 'GPU 0 is hot', receivers: ['oncall'], labels: { alertname: 'GPUTemperatureHigh', gpu: '0' } }];
    const events = transitions(base(), next);
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ['alert_firing', 'GPUTemperatureHigh'],
      ['alert_resolved', 'Watchdog'],
    ]);
    expect(events[0]).toMatchObject({ summary: 'GPUTemperatureHigh (critical) firing: GPU 0 is hot', evidence: { receivers: ['oncall'], labels: { gpu: '0' } } });
  });

  it('a rule starting to fail is rule_error once, not on every poll', () => {
    const next = base();
    next.rules[0] = { ...next.rules[0]!, health: 'err', lastError: 'vector contains metrics with the same labelset' };
    expect(transitions(base(), next)).toEqual([expect.objectContaining({ type: 'rule_error', subject: 'g/NodeDown', evidence: expect.objectContaining({ lastError: 'vector contains metrics with the same labelset' }) })]);
    expect(transitions(next, next)).toEqual([]);
  });

  it('a GPU no longer reported is gpu_missing with its last reading', () => {
    const next = { ...base(), gpus: [] };
    expect(transitions(base(), next)).toEqual([expect.objectContaining({ type: 'gpu_missing', subject: 'gpu 0', evidence: { last: base().gpus[0] } })]);
  });

  it('snapshot counts what it holds', () => {
    expect(snapshotEvent(base()).summary).toBe('2 services, 2/2 targets up, 1 alerts firing, 1 GPUs');
  });
});

describe('backoff, hub, --until', () => {
  it('doubles from 1 s and stops at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('hub numbers events and resumes after an id from its ring, saying when the ring lost some', () => {
    const hub = new Hub(3, () => new Date('2026-01-01T00:00:00Z'));
    const got: number[] = [];
    hub.subscribe((e) => got.push(e.id));
    for (let i = 0; i < 5; i++) hub.publish(snapshotEvent(base()));
    expect(got).toEqual([1, 2, 3, 4, 5]);
    expect(hub.since(3)).toEqual({ events: [expect.objectContaining({ id: 4 }), expect.objectContaining({ id: 5, time: '2026-01-01T00:00:00.000Z' })], complete: true });
    expect(hub.since(2).complete).toBe(true);
    expect(hub.since(1).complete).toBe(false);
  });

  it('--until EVENT[:MATCH]', () => {
    const e = { id: 1, time: 't', type: 'target_up', source: 'prometheus', subject: 'node-exporter 1.2.3.4:9100', summary: 'node-exporter 1.2.3.4:9100 is up again', evidence: {} } as WatchEvent;
    expect(untilMatches(parseUntil('target_up'), e)).toBe(true);
    expect(untilMatches(parseUntil('target_up:node-exporter'), e)).toBe(true);
    expect(untilMatches(parseUntil('target_up:dcgm'), e)).toBe(false);
    expect(untilMatches(parseUntil('target_down:node-exporter'), e)).toBe(false);
    expect(() => parseUntil('target_gone')).toThrowError(expect.objectContaining({ exitCode: 2, hint: expect.stringContaining(eventTypes.join(', ')) }));
  });
});

describe('terminal view', () => {
  const c = new Chalk({ level: 0 });
  const now = Date.parse('2026-01-01T00:00:05Z');

  it('shows services, targets with scrape age and error, firing alerts, and only the GPU fields reported', () => {
    const s = base();
    s.sources.prometheus = { status: 'ok' };
    s.targets[0] = { ...s.targets[0]!, health: 'down', lastError: 'connection refused' };
    s.gpus.push({ id: '1', temperatureC: 40 }); // e.g. GB10: no framebuffer or power fields
    const text = renderView(s, [], now, c, 120).join('\n');
    expect(text).toMatch(/node-exporter\s+running\/healthy\s+0/);
    expect(text).toMatch(/node-exporter\s+172\.30\.1\.1:9100\s+down\s+5s ago\s+connection refused/);
    expect(text).toMatch(/Watchdog\s+none\s+5s\s+null\s+heartbeat/);
    expect(text).toContain('gpu 0 Tesla T4: 40% util  25 °C  9.0 W');
    expect(text).toMatch(/gpu 1: 40 °C$/m);
    expect(text).toContain('prometheus ok');
    expect(text).not.toContain('delivery');
    s.delivery = [{ integration: 'webhook', sent: 7, failed: 2 }];
    expect(renderView(s, [], now, c, 120).join('\n')).toContain('delivery (Alertmanager, per integration since it started): webhook 7 sent, 2 failed');
  });

  it('a stale source reads as reconnecting with its countdown', () => {
    const s = base();
    s.sources.alertmanager = { status: 'stale', error: 'ECONNREFUSED', retryAt: '2026-01-01T00:00:09Z' };
    expect(renderView(s, [], now, c)[0]).toContain('alertmanager reconnecting in 4s (ECONNREFUSED)');
    expect(renderView(s, [], now, c, 100, 'serving events at http://127.0.0.1:9900/events')[1]).toBe('serving events at http://127.0.0.1:9900/events');
  });
});
