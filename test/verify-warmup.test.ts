// Warm-up: when a new stack's data can exist (counted in scrapes and evaluations from the newest
// container's start), which failures are only "pending", and how verify waits for them.
import { describe, expect, it } from 'vitest';
import { queryReadiness, recordedSeries, type Intervals } from '../src/verify/readiness.js';
import type { CheckGroup } from '../src/verify/run.js';
import { fail, pass, type VerifyCheck } from '../src/verify/types.js';
import { humanReport, jsonReport, junitReport, summaryLine } from '../src/verify/report.js';
import { judge, judgeLazily, progressLine, readyAt, runThroughWarmup, slackSeconds, type WarmupModel } from '../src/verify/warmup.js';
import { Chalk } from 'chalk';

const intervals: Intervals = {
  scrape: new Map([
    ['node-exporter', 15],
    ['app', 60],
  ]),
  recorded: recordedSeries(
    [
      {
        groups: [
          { name: 'dash', rules: [{ record: 'instance:cpu:rate5m', expr: 'sum by (instance) (rate(node_cpu_seconds_total{job="node-exporter"}[5m]))' }] },
          { name: 'slow', interval: '1m', rules: [{ record: 'job:cpu:avg', expr: 'avg(instance:cpu:rate5m)' }, { alert: 'X', expr: 'up == 0' }] },
        ],
      },
    ],
    15,
  ),
};

describe('query readiness', () => {
  it('counts samples, not windows: one scrape for a selector, two for rate, whatever the range', () => {
    expect(queryReadiness('node_load1{job="node-exporter"}', intervals).seconds).toBe(15);
    expect(queryReadiness('rate(node_cpu_seconds_total{job="node-exporter"}[1m])', intervals).seconds).toBe(30);
    const hour = queryReadiness('increase(node_cpu_seconds_total{job="node-exporter"}[1h])', intervals);
    expect(hour).toEqual({ seconds: 30, longestWindowSeconds: 3600 });
    expect(queryReadiness('max_over_time(node_load1{job="node-exporter"}[10m])', intervals).seconds).toBe(15);
  });

  it('takes the slowest input, and the longest scrape interval when the job is not named', () => {
    expect(queryReadiness('rate(http_requests_total{job="app"}[5m]) / on() node_load1{job="node-exporter"}', intervals).seconds).toBe(120);
    expect(queryReadiness('up', intervals).seconds).toBe(60);
  });

  it('follows recording rules: their inputs, then one evaluation of each rule on the way', () => {
    expect(queryReadiness('instance:cpu:rate5m{host=~".+"}', intervals)).toEqual({ seconds: 30 + 15, longestWindowSeconds: 300 });
    expect(queryReadiness('job:cpu:avg', intervals).seconds).toBe(30 + 15 + 60);
    expect(queryReadiness('rate(instance:cpu:rate5m[5m])', intervals).seconds).toBe(45 + 15);
  });

  it('reads Grafana variables and subqueries', () => {
    expect(queryReadiness('rate(node_cpu_seconds_total{job="node-exporter",instance=~"$instance"}[$__rate_interval])', intervals).seconds).toBe(30);
    expect(queryReadiness('deriv(node_load1{job="node-exporter"}[10m:5s])', intervals).seconds).toBe(20);
  });
});

const model: WarmupModel = { startedAt: 1_000_000, intervals, evaluationSeconds: 15 };
const emptyPanels = fail('dashboards', 'dashboard Host', '2 of 30 panel queries return no data', { needs: { queries: ['instance:cpu:rate5m'] } });
const notEvaluated = fail('rules', 'group dash', 'loaded but not evaluated yet', { needs: { evaluation: true } });
const refused = fail('targets', 'job app', 'down: connection refused', { needs: { jobs: ['app'] } });
const broken = fail('dashboards', 'dashboard Stack', 'query failed: HTTP 400');

describe('judging a young stack', () => {
  it('gives each data failure the time its data takes, plus slack', () => {
    expect(readyAt(emptyPanels, model)).toBe(model.startedAt + (45 + slackSeconds) * 1000);
    expect(readyAt(notEvaluated, model)).toBe(model.startedAt + (15 + slackSeconds) * 1000);
    expect(readyAt(refused, model)).toBe(model.startedAt + (120 + slackSeconds) * 1000);
    expect(readyAt(broken, model)).toBeUndefined();
    expect(readyAt(pass('targets', 'x', 'ok'), model)).toBeUndefined();
  });

  it('makes data failures pending while their data cannot exist, and failures once it could', () => {
    const at20s = judge([emptyPanels, notEvaluated, broken], model, model.startedAt + 20_000);
    expect(at20s.map((c) => c.status)).toEqual(['pending', 'pending', 'fail']);
    expect(at20s[0]!.reason).toBe('pending: ready in ~35 s (2 of 30 panel queries return no data)');
    expect(at20s[0]!.readyInSeconds).toBe(35);
    const later = judge([emptyPanels, notEvaluated], model, model.startedAt + 60_000);
    expect(later.map((c) => c.status)).toEqual(['fail', 'fail']);
    expect(judge([emptyPanels], undefined)).toEqual([emptyPanels]);
  });

  it('gives rule state and recorded series one evaluation after a reload of an old stack; scrapes not', () => {
    const reloaded: WarmupModel = { ...model, configLoadedAt: model.startedAt + 600_000 };
    expect(readyAt(notEvaluated, reloaded)).toBe(reloaded.configLoadedAt! + (15 + slackSeconds) * 1000);
    expect(readyAt(emptyPanels, reloaded)).toBe(reloaded.configLoadedAt! + (15 + slackSeconds) * 1000);
    expect(readyAt(refused, reloaded)).toBe(model.startedAt + (120 + slackSeconds) * 1000);
    const justAfter = judge([notEvaluated, refused], reloaded, reloaded.configLoadedAt! + 1_000);
    expect(justAfter.map((c) => c.status)).toEqual(['pending', 'fail']);
    expect(judge([notEvaluated], reloaded, reloaded.configLoadedAt! + 30_000)[0]!.status).toBe('fail');
  });

  it('reports pending apart: not failed (exit 0), skipped in JUnit, counted in JSON', () => {
    const checks = judge([emptyPanels, pass('services', 'up', 'ok')], model, model.startedAt);
    expect(summaryLine(checks)).toBe('1 passed, 0 failed, 0 warned, 0 skipped, 1 pending (warming up)');
    expect(humanReport(checks, new Chalk({ level: 0 }))).toContain('  … dashboard Host: pending: ready in ~55 s (2 of 30 panel queries return no data)');
    expect(jsonReport(checks, {})).toMatchObject({ ok: true, summary: { pending: 1, failed: 0 } });
    expect(junitReport(checks)).toContain('failures="0" skipped="1"');
  });
});

describe('waiting through warm-up', () => {
  const clock = () => {
    let t = model.startedAt + 5_000;
    return { now: () => t, sleep: async (ms: number) => void (t += ms), at: () => t };
  };
  const groupsFrom = (answer: (age: number) => VerifyCheck[], c: { at: () => number }): CheckGroup[] => [{ name: 'dashboards', run: async () => answer(c.at() - model.startedAt) }];

  it('waits with progress until the data is there, then passes', async () => {
    const c = clock();
    const progress: string[] = [];
    const checks = await runThroughWarmup(
      groupsFrom((age) => [age < 40_000 ? emptyPanels : pass('dashboards', 'dashboard Host', 'all 30 panel queries return data')], c),
      { timeoutMs: 1000, maxWaitMs: 300_000, model, now: c.now, sleep: c.sleep, onProgress: (p) => progress.push(progressLine(p)) },
    );
    expect(checks.map((x) => x.status)).toEqual(['pass']);
    expect(c.at() - model.startedAt).toBeGreaterThanOrEqual(40_000);
    expect(progress[0]).toBe('warming up: the stack started 5 s ago; 1 check waits for data that can exist in ~50 s (dashboard Host)');
  });

  it('judges as soon as the data could have come: a broken panel still fails, bounded', async () => {
    const c = clock();
    const checks = await runThroughWarmup(groupsFrom(() => [emptyPanels], c), { timeoutMs: 1000, maxWaitMs: 300_000, model, now: c.now, sleep: c.sleep });
    expect(checks.map((x) => x.status)).toEqual(['fail']);
    expect(c.at() - model.startedAt).toBeGreaterThanOrEqual(55_000);
    expect(c.at() - model.startedAt).toBeLessThan(60_000);
  });

  it('reads the model only when a check lacks data, once (a healthy stack never needs it)', async () => {
    const c = clock();
    let reads = 0;
    const read = async () => (reads++, model);
    const healthy = await runThroughWarmup(groupsFrom(() => [pass('dashboards', 'dashboard Host', 'ok'), broken], c), { timeoutMs: 1000, maxWaitMs: 300_000, model: read, now: c.now, sleep: c.sleep });
    expect(healthy.map((x) => x.status)).toEqual(['pass', 'fail']);
    expect(reads).toBe(0);
    expect(await judgeLazily([pass('targets', 'x', 'ok')], read)).toEqual([pass('targets', 'x', 'ok')]);
    expect(reads).toBe(0);
    const waited = await runThroughWarmup(groupsFrom((age) => [age < 40_000 ? emptyPanels : pass('dashboards', 'dashboard Host', 'ok')], c), { timeoutMs: 1000, maxWaitMs: 300_000, model: read, now: c.now, sleep: c.sleep });
    expect(waited.map((x) => x.status)).toEqual(['pass']);
    expect(reads).toBe(1);
    expect((await judgeLazily([emptyPanels], read, () => model.startedAt))[0]!.status).toBe('pending');
    expect(reads).toBe(2);
  });

  it('does not wait when a failure is not about data, nor longer than the bound', async () => {
    const c = clock();
    const first = await runThroughWarmup(groupsFrom(() => [emptyPanels, broken], c), { timeoutMs: 1000, maxWaitMs: 300_000, model, now: c.now, sleep: c.sleep });
    expect(first.map((x) => x.status)).toEqual(['pending', 'fail']);
    expect(c.at()).toBe(model.startedAt + 5_000);
    const bounded = await runThroughWarmup(groupsFrom(() => [emptyPanels], c), { timeoutMs: 1000, maxWaitMs: 10_000, model, now: c.now, sleep: c.sleep });
    expect(bounded.map((x) => x.status)).toEqual(['pending']);
    expect(c.at() - model.startedAt).toBeLessThanOrEqual(5_000 + 10_000 + 3_000);
  });
});
