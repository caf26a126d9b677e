// obsctl/metrics (src/metrics): the app helper. What it exposes must be exactly what
// src/metrics/names.ts defines (the App dashboard and the `app` alert pack read the same file), its
// label values must stay bounded whatever callers do, and real HTTP requests through a node:http
// server it wraps must be counted and timed. /metrics is checked as Prometheus text: by a strict
// parser here and, where installed, by promtool (missing promtool skips that check with a printed
// reason, and fails it when CI=true).
import { findBin } from './helpers/bin.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  BUILTIN_ERROR_TYPES,
  CLIENT_CLOSED_STATUS,
  OTHER,
  appMetrics,
  createMetrics,
  durationBuckets,
  exposedAppMetricNames,
  routeMatcher,
  type AppMetrics,
  type CreateMetricsOptions,
  type RequestHandler,
} from '../src/metrics/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CI = process.env.CI === 'true';
const PROMTOOL = findBin('promtool');

// ---------------------------------------------------------------------------------------------
// Prometheus text format (0.0.4), parsed strictly: any line that is not HELP, TYPE or a valid
// sample throws.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
// Values as Prometheus reads them (Go's strconv.ParseFloat): NaN and Inf in any case, which
// matters because prom-client writes an empty event-loop lag as `Nan`.
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?inf(?:inity)?|nan)$/i;

function parseValue(s: string, line: string): number {
  if (!VALUE.test(s)) throw new Error(`bad sample value ${JSON.stringify(s)} in: ${line}`);
  const l = s.toLowerCase();
  return l === 'nan' ? NaN : l.includes('inf') ? (l.startsWith('-') ? -Infinity : Infinity) : Number(s);
}

function parseExposition(text: string): Exposition {
  const out: Exposition = { types: new Map(), help: new Map(), samples: [] };
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) {
      out.help.set(m[1]!, m[2]!);
      continue;
    }
    if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      if (out.types.has(m[1]!)) throw new Error(`second TYPE for ${m[1]}`);
      out.types.set(m[1]!, m[2]!);
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment: ${line}`);
    m = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`).exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = new RegExp(`(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"(,|$)`, 'y');
    while (re.lastIndex < body.length) {
      const before = re.lastIndex;
      const l = re.exec(body);
      if (!l || re.lastIndex === before) throw new Error(`bad labels in: ${line}`);
      if (l[1]! in labels) throw new Error(`label ${l[1]} twice in: ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      if (l[3] === '' && re.lastIndex !== body.length) throw new Error(`bad labels in: ${line}`);
    }
    out.samples.push({ name: m[1]!, labels, value: parseValue(m[3]!, line) });
  }
  return out;
}

/** The family a sample belongs to (histogram samples end in _bucket/_sum/_count). */
function familyOf(expo: Exposition, name: string): string | undefined {
  if (expo.types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return expo.types.get(base) === 'histogram' ? base : undefined;
}

function series(expo: Exposition, name: string, match: Record<string, string> = {}): Sample[] {
  return expo.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
function value(expo: Exposition, name: string, match: Record<string, string>): number | undefined {
  const found = series(expo, name, match);
  if (found.length > 1) throw new Error(`${found.length} series of ${name} match ${JSON.stringify(match)}`);
  return found[0]?.value;
}

// ---------------------------------------------------------------------------------------------
// Servers

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function serve(m: AppMetrics, handler: RequestHandler, routes: readonly string[] = ['/users/:id', '/v1/generate', '/slow']): Promise<string> {
  const server = http.createServer(m.instrument(handler, { routes, onError: () => {} }));
  server.keepAliveTimeout = 100;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function scrape(base: string): Promise<{ text: string; contentType: string | null; expo: Exposition }> {
  const r = await fetch(`${base}/metrics`);
  expect(r.status).toBe(200);
  const text = await r.text();
  return { text, contentType: r.headers.get('content-type'), expo: parseExposition(text) };
}

/** Scrapes until `ready` holds (or 10 s pass, then returns the last scrape for the assertion to report). */
async function scrapeUntil(base: string, ready: (expo: Exposition) => boolean): Promise<Exposition> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { expo } = await scrape(base);
    if (ready(expo) || Date.now() > deadline) return expo;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function metricsFor(extra: Partial<CreateMetricsOptions> = {}): AppMetrics {
  return createMetrics({ serviceVersion: '1.2.3', commit: 'abc1234', onWarning: () => {}, ...extra });
}

const ok: RequestHandler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
};

/** Exercises every app metric once, through a real server. */
async function exercised(): Promise<{ m: AppMetrics; base: string }> {
  const m = metricsFor({ errorTypes: ['CudaOOM'] });
  const base = await serve(m, ok);
  await (await fetch(`${base}/users/42`)).text();
  await m.trackJob('generate', async () => 'fine');
  await m.trackJob('generate', async () => {
    const e = new Error('CUDA out of memory');
    e.name = 'CudaOOM';
    throw e;
  }).catch(() => {});
  m.setQueueDepth('inference', 3);
  return { m, base };
}

// ---------------------------------------------------------------------------------------------

describe('what the helper exposes is names.ts', () => {
  it('has every metric of names.ts with its type, exactly its labels, and the shared buckets', async () => {
    const { base } = await exercised();
    const { expo } = await scrape(base);
    for (const def of Object.values(appMetrics)) {
      expect(expo.types.get(def.name), def.name).toBe(def.type);
      expect(expo.help.get(def.name), `${def.name} HELP`).toBeTruthy();
      const names = def.type === 'histogram' ? [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`] : [def.name];
      for (const n of names) {
        const samples = series(expo, n);
        expect(samples.length, `${n} has samples`).toBeGreaterThan(0);
        for (const s of samples) {
          const keys = Object.keys(s.labels).filter((k) => !(n.endsWith('_bucket') && k === 'le'));
          expect(keys.sort(), `labels of ${n}`).toEqual([...def.labels].sort());
        }
      }
      if (def.type === 'histogram') {
        const one = series(expo, `${def.name}_count`)[0]!.labels;
        const les = series(expo, `${def.name}_bucket`, one).map((s) => s.labels.le);
        expect(les).toEqual([...durationBuckets.map(String), '+Inf']);
      }
    }
    expect(value(expo, appMetrics.buildInfo.name, { version: '1.2.3', commit: 'abc1234' })).toBe(1);
  });

  it('every exposedAppMetricNames() entry is in a real scrape, and the scrape has no other app metric', async () => {
    const { base } = await exercised();
    const { expo } = await scrape(base);
    const scraped = new Set(expo.samples.map((s) => s.name));
    for (const n of exposedAppMetricNames()) expect(scraped.has(n), n).toBe(true);
    const defined = new Set(exposedAppMetricNames());
    const ours = [...scraped].filter((n) => /^(http_|app_)/.test(n));
    expect(ours.filter((n) => !defined.has(n))).toEqual([]);
  });

  it('also collects the default process metrics, and defaults can be turned off', async () => {
    const { base } = await exercised();
    const { expo } = await scrape(base);
    expect(expo.types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(expo.types.has('nodejs_eventloop_lag_seconds')).toBe(true);

    const bare = metricsFor({ collectDefaultMetrics: false });
    const names = (await bare.registry.getMetricsAsJSON()).map((x) => x.name).sort();
    expect(names).toEqual(Object.values(appMetrics).map((x) => x.name).sort());
  });

  it('the app alert pack and the App dashboard only use names and labels of names.ts', () => {
    const dir = path.join(repoRoot, 'alerts', 'app');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.rules.yml')) : [];
    expect(files.length, 'alerts/app/*.rules.yml').toBeGreaterThan(0);
    const labelsOf = new Map<string, Set<string>>();
    for (const def of Object.values(appMetrics)) {
      const names = def.type === 'histogram' ? [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`] : [def.name];
      for (const n of names) labelsOf.set(n, new Set([...def.labels, 'job', 'instance', ...(n.endsWith('_bucket') ? ['le'] : [])]));
    }
    // Recording rules of the pack carry (at most) the labels of what they are computed from.
    const problems: string[] = [];
    for (const f of files) {
      const doc = parseYaml(readFileSync(path.join(dir, f), 'utf8')) as { groups: Array<{ rules: Array<Record<string, any>> }> };
      for (const rule of doc.groups.flatMap((g) => g.rules)) {
        const expr = String(rule.expr).replace(/<<[^>]*>>/g, '1');
        const where = `${f}: ${rule.record ?? rule.alert}`;
        const c = parser.parse(expr).cursor();
        const used = new Set<string>();
        const allowed = new Set<string>();
        let app = false;
        do {
          if (c.type.isError) problems.push(`${where}: PromQL syntax error`);
          if (c.type.name === 'VectorSelector') {
            const id = c.node.getChild('Identifier');
            const name = id ? expr.slice(id.from, id.to) : '';
            const own = labelsOf.get(name);
            if (/^(http_|app_)/.test(name) && !own) problems.push(`${where}: ${name} is not an app metric of names.ts`);
            if (own) {
              app = true;
              for (const l of own) allowed.add(l);
            }
          }
          if (c.type.name === 'LabelName') used.add(expr.slice(c.from, c.to));
        } while (c.next());
        if (!app) continue;
        if (rule.record) labelsOf.set(String(rule.record), new Set(allowed));
        for (const l of used) if (!allowed.has(l)) problems.push(`${where}: label ${l} is not a label of the app metrics it reads`);
        const templates = JSON.stringify([rule.labels ?? {}, rule.annotations ?? {}]);
        for (const t of templates.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g))
          if (!allowed.has(t[1]!)) problems.push(`${where}: template uses $labels.${t[1]}, not a label of the app metrics it reads`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('bounded label values', () => {
  it('1000 distinct raw URLs through a real server make a handful of series', async () => {
    const m = metricsFor();
    const base = await serve(m, ok);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const get = (p: string): Promise<void> =>
      new Promise((resolve, reject) => {
        http.get(`${base}${p}`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
    const urls: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 2 === 0) urls.push(`/users/${i}?page=${i}&sort=${i % 7}`);
      else urls.push(`/random/${i}/path-${Math.random().toString(36).slice(2)}#frag`);
    }
    for (let i = 0; i < urls.length; i += 50) await Promise.all(urls.slice(i, i + 50).map(get));
    agent.destroy();

    const { expo } = await scrape(base);
    const reqs = series(expo, appMetrics.requestsTotal.name);
    expect(reqs.map((s) => s.labels.route).sort()).toEqual(['/users/:id', OTHER]);
    expect(value(expo, appMetrics.requestsTotal.name, { route: '/users/:id' })).toBe(500);
    expect(value(expo, appMetrics.requestsTotal.name, { route: OTHER })).toBe(500);
    expect(series(expo, `${appMetrics.requestDuration.name}_count`).length).toBe(2);
    expect(series(expo, appMetrics.requestsInFlight.name).length).toBe(2);
    // The scrape itself is not counted.
    expect(reqs.some((s) => s.labels.route === '/metrics')).toBe(false);
  });

  it('a resolver that leaks raw URLs is capped at limits.routes (then other), with one warning', async () => {
    const warnings: string[] = [];
    const m = createMetrics({ serviceVersion: '1', commit: 'c', limits: { routes: 10 }, onWarning: (w) => warnings.push(w) });
    for (let i = 0; i < 1000; i++) m.observeRequest('GET', `/items/${i}`, 200, 0.01);
    const expo = parseExposition(await m.registry.metrics());
    const routes = new Set(series(expo, appMetrics.requestsTotal.name).map((s) => s.labels.route));
    expect(routes.size).toBe(11);
    expect(routes.has(OTHER)).toBe(true);
    expect(value(expo, appMetrics.requestsTotal.name, { route: OTHER })).toBe(990);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/more than 10 distinct route values/);
  });

  it('methods and statuses are bounded too', () => {
    const m = metricsFor();
    const end = m.startRequest('get', '/a');
    end(200);
    m.observeRequest('BREW', '/a', 200, 0.1);
    m.observeRequest(undefined, '/a', 'teapot', 0.1);
    m.observeRequest('POST', '/a', 1000, 0.1);
    m.observeRequest('POST', undefined, 201, 0.1);
    return m.registry.metrics().then((text) => {
      const expo = parseExposition(text);
      const keys = series(expo, appMetrics.requestsTotal.name).map((s) => `${s.labels.method} ${s.labels.route} ${s.labels.status}`).sort();
      expect(keys).toEqual(['GET /a 200', 'POST /a other', 'POST other 201', 'other /a 200', 'other /a other']);
    });
  });

  it('error types: allowed code or name, else other; 1000 distinct errors make a bounded set', async () => {
    const m = metricsFor({ errorTypes: ['CudaOOM', 'Timeout'] });
    const thrown: unknown[] = [];
    for (let i = 0; i < 1000; i++) {
      const e = new Error(`failure #${i} at 0x${i.toString(16)}`);
      switch (i % 8) {
        case 0: e.name = 'CudaOOM'; break;
        case 1: e.name = 'Timeout'; break;
        case 2: e.name = `DynamicError${i}`; break; // unknown name
        case 3: Object.assign(e, { code: 'ECONNRESET' }); break; // a known code wins over the name
        case 4: Object.assign(e, { code: `E_CUSTOM_${i}` }); e.name = 'CudaOOM'; break; // unknown code, known name
        case 5: thrown.push(`a string ${i}`); continue; // not an Error
        case 6: thrown.push(new TypeError(`bad ${i}`)); continue;
        case 7: thrown.push(null); continue;
      }
      thrown.push(e);
    }
    for (const t of thrown) await m.trackJob('generate', () => Promise.reject(t)).catch(() => {});
    const expo = parseExposition(await m.registry.metrics());
    const failures = series(expo, appMetrics.jobsTotal.name, { outcome: 'failure' });
    const byType = Object.fromEntries(failures.map((s) => [s.labels.error_type, s.value]));
    expect(byType).toEqual({ CudaOOM: 250, Timeout: 125, ECONNRESET: 125, TypeError: 125, [OTHER]: 375 });
    expect(value(expo, `${appMetrics.jobDuration.name}_count`, { kind: 'generate', outcome: 'failure' })).toBe(1000);
    expect(BUILTIN_ERROR_TYPES).toContain('ECONNRESET');
  });

  it('a custom classifyError is capped at limits.errorTypes; undefined falls back to code/name', async () => {
    const m = metricsFor({ classifyError: (e) => (e instanceof RangeError ? undefined : `msg:${String(e)}`), limits: { errorTypes: 5 } });
    for (let i = 0; i < 100; i++) await m.trackJob('embed', () => { throw `boom ${i}`; }).catch(() => {});
    await m.trackJob('embed', () => { throw new RangeError('x'); }).catch(() => {});
    const expo = parseExposition(await m.registry.metrics());
    const types = series(expo, appMetrics.jobsTotal.name, { outcome: 'failure' }).map((s) => s.labels.error_type);
    expect(types.length).toBe(7); // 5 admitted, other, RangeError
    expect(types).toContain(OTHER);
    expect(types).toContain('RangeError');
  });

  it('kinds and queues are capped', async () => {
    const m = metricsFor({ limits: { kinds: 3, queues: 2 } });
    for (let i = 0; i < 20; i++) {
      await m.trackJob(`kind-${i}`, () => i);
      m.setQueueDepth(`q-${i}`, i);
    }
    const expo = parseExposition(await m.registry.metrics());
    expect(new Set(series(expo, appMetrics.jobsTotal.name).map((s) => s.labels.kind)).size).toBe(4);
    expect(series(expo, appMetrics.queueDepth.name).map((s) => s.labels.queue).sort()).toEqual([OTHER, 'q-0', 'q-1']);
    expect(value(expo, appMetrics.queueDepth.name, { queue: OTHER })).toBe(19);
  });
});

describe('jobs', () => {
  it('trackJob returns the result, rethrows the error, counts and times both', async () => {
    const m = metricsFor({ errorTypes: ['CudaOOM'] });
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    await expect(m.trackJob('generate', async () => { await sleep(60); return 42; })).resolves.toBe(42);
    await expect(m.trackJob('generate', () => 'sync')).resolves.toBe('sync');
    const oom = Object.assign(new Error('CUDA out of memory'), { name: 'CudaOOM' });
    await expect(m.trackJob('generate', async () => { await sleep(30); throw oom; })).rejects.toBe(oom);
    const expo = parseExposition(await m.registry.metrics());
    const jobs = appMetrics.jobsTotal.name;
    const dur = appMetrics.jobDuration.name;
    expect(value(expo, jobs, { kind: 'generate', outcome: 'success', error_type: '' })).toBe(2);
    expect(value(expo, jobs, { kind: 'generate', outcome: 'failure', error_type: 'CudaOOM' })).toBe(1);
    expect(value(expo, `${dur}_count`, { kind: 'generate', outcome: 'success' })).toBe(2);
    expect(value(expo, `${dur}_sum`, { kind: 'generate', outcome: 'success' })).toBeGreaterThanOrEqual(0.055);
    expect(value(expo, `${dur}_bucket`, { kind: 'generate', outcome: 'failure', le: '0.025' })).toBe(0);
    expect(value(expo, `${dur}_bucket`, { kind: 'generate', outcome: 'failure', le: '0.05' })).toBe(1);
  });
});

describe('HTTP through a node:http server wrapped by the helper', () => {
  it('counts and times a real request, with in-flight while it runs', async () => {
    const m = metricsFor();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const base = await serve(m, async (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/slow')) {
        await gate;
        await new Promise((r) => setTimeout(r, 120));
      }
      res.writeHead(201, { 'Content-Type': 'application/json' }).end('{}');
    });
    const pending = fetch(`${base}/slow?x=1`, { method: 'POST' });
    // Poll rather than sleep: on a loaded machine the request may take longer than any fixed wait to arrive.
    const during = await scrapeUntil(base, (expo) => value(expo, appMetrics.requestsInFlight.name, { method: 'POST', route: '/slow' }) === 1);
    expect(value(during, appMetrics.requestsInFlight.name, { method: 'POST', route: '/slow' })).toBe(1);
    expect(series(during, appMetrics.requestsTotal.name)).toEqual([]);
    release();
    const r = await pending;
    expect(r.status).toBe(201);
    await r.text();

    const after = (await scrape(base)).expo;
    const labels = { method: 'POST', route: '/slow', status: '201' };
    expect(value(after, appMetrics.requestsTotal.name, labels)).toBe(1);
    expect(value(after, appMetrics.requestsInFlight.name, { method: 'POST', route: '/slow' })).toBe(0);
    const d = appMetrics.requestDuration.name;
    expect(value(after, `${d}_count`, labels)).toBe(1);
    const sum = value(after, `${d}_sum`, labels)!;
    expect(sum).toBeGreaterThanOrEqual(0.115);
    expect(sum).toBeLessThan(5);
    expect(value(after, `${d}_bucket`, { ...labels, le: '0.1' })).toBe(0);
    expect(value(after, `${d}_bucket`, { ...labels, le: '+Inf' })).toBe(1);
  });

  it('a throwing or rejecting handler answers 500 and is counted as 500', async () => {
    const m = metricsFor();
    const errors: unknown[] = [];
    const server = http.createServer(
      m.instrument(
        (req) => {
          if (req.url === '/v1/generate') throw new Error('sync boom');
          return Promise.reject(new Error('async boom'));
        },
        { routes: ['/v1/generate', '/users/:id'], onError: (e) => errors.push(e) },
      ),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/v1/generate`, { method: 'POST' })).status).toBe(500);
    expect((await fetch(`${base}/users/7`)).status).toBe(500);
    expect(errors).toHaveLength(2);
    const { expo } = await scrape(base);
    expect(value(expo, appMetrics.requestsTotal.name, { method: 'POST', route: '/v1/generate', status: '500' })).toBe(1);
    expect(value(expo, appMetrics.requestsTotal.name, { method: 'GET', route: '/users/:id', status: '500' })).toBe(1);
  });

  it('a request the client abandons is counted once, as 499, and leaves in-flight at 0', async () => {
    const m = metricsFor();
    const base = await serve(m, () => {}); // never answers
    const ac = new AbortController();
    const p = fetch(`${base}/slow`, { signal: ac.signal }).catch(() => 'aborted');
    await scrapeUntil(base, (expo) => value(expo, appMetrics.requestsInFlight.name, { route: '/slow' }) === 1);
    ac.abort();
    expect(await p).toBe('aborted');
    const expo = await scrapeUntil(base, (e) => value(e, appMetrics.requestsTotal.name, { route: '/slow' }) !== undefined);
    expect(value(expo, appMetrics.requestsTotal.name, { route: '/slow' })).toBe(1);
    expect(value(expo, appMetrics.requestsTotal.name, { route: '/slow', status: String(CLIENT_CLOSED_STATUS) })).toBe(1);
    expect(value(expo, appMetrics.requestsInFlight.name, { route: '/slow' })).toBe(0);
  });
});

describe('/metrics', () => {
  it('is Prometheus text in the registry content type; HEAD works, POST is 405', async () => {
    const { m, base } = await exercised();
    const { text, contentType, expo } = await scrape(base);
    expect(contentType).toBe(m.registry.contentType);
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    // The text is prom-client's own rendering of the registry, parsed back sample by sample.
    expect(expo.samples.length).toBeGreaterThan(50);
    for (const s of expo.samples) expect(familyOf(expo, s.name), `TYPE of ${s.name}`).toBeDefined();
    expect(text).toContain(`# TYPE ${appMetrics.requestsTotal.name} counter`);

    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(m.registry.contentType);
    expect(await head.text()).toBe('');
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('metricsHandler works on its own, with an OpenMetrics registry too', async () => {
    const registry = new Registry();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
    const m = createMetrics({ registry, serviceVersion: '2', commit: 'd', collectDefaultMetrics: false });
    const server = http.createServer((req, res) => void m.metricsHandler(req, res));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/anything`);
    expect(r.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(await r.text()).toMatch(/# EOF\n$/);
  });

  const promtool = existsSync(PROMTOOL);
  if (!promtool && !CI) console.warn(`metrics.test: skipping the promtool check (${PROMTOOL} not installed; Debian package prometheus)`);
  it.skipIf(!promtool && !CI)('promtool check metrics parses the scrape and finds nothing to lint in the app metrics', async () => {
    if (!existsSync(PROMTOOL)) throw new Error(`CI=true but ${PROMTOOL} missing`);
    const { base } = await exercised();
    const { text } = await scrape(base);
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    // 0: clean, 3: lint findings; 1 would be a parse error.
    expect([0, 3], out).toContain(r.status);
    expect(out).not.toMatch(/error while linting|parsing error/);
    // prom-client's own nodejs_* gauges end in _total (its choice); ours must be clean.
    const ours = out.split('\n').filter((l) => /^(http_|app_)/.test(l));
    expect(ours).toEqual([]);
  });
});

describe('setup', () => {
  it('refuses a second createMetrics on one registry, and job/instance as default labels', () => {
    const registry = new Registry();
    createMetrics({ registry, serviceVersion: '1', commit: 'c' });
    expect(() => createMetrics({ registry, serviceVersion: '1', commit: 'c' })).toThrow(/once per registry/);
    expect(() => createMetrics({ serviceVersion: '1', commit: 'c', defaultLabels: { job: 'x' } })).toThrow(/exported_job/);
    expect(() => createMetrics({ serviceVersion: '1', commit: 'c', defaultLabels: { route: 'x' } })).toThrow(/already a label/);
  });

  it('default labels are added to every series', async () => {
    const m = metricsFor({ defaultLabels: { service: 'inference' }, collectDefaultMetrics: false });
    const expo = parseExposition(await m.registry.metrics());
    expect(series(expo, appMetrics.buildInfo.name)[0]!.labels).toEqual({ version: '1.2.3', commit: 'abc1234', service: 'inference' });
  });

  it('instrument() needs routes or a resolver', () => {
    expect(() => metricsFor().instrument(ok, {})).toThrow(/routes/);
  });
});

describe('routeMatcher', () => {
  const match = routeMatcher(['/', '/healthz', '/users/:id', '/users/me', '/users/:id/posts/:post', '/static/*']);
  it.each([
    ['/', '/'],
    ['/healthz', '/healthz'],
    ['/healthz/', '/healthz'],
    ['/users/42', '/users/:id'],
    ['/users/me', '/users/me'],
    ['/users/42/posts/7', '/users/:id/posts/:post'],
    ['/static', '/static/*'],
    ['/static/css/site.css', '/static/*'],
    ['/users', undefined],
    ['/users/42/posts', undefined],
    ['/users//posts/7', undefined],
    ['/nope', undefined],
  ])('%s -> %s', (p, want) => {
    expect(match(p)).toBe(want);
  });
  it('rejects templates that do not start with / or have * before the end', () => {
    expect(() => routeMatcher(['users'])).toThrow();
    expect(() => routeMatcher(['/a/*/b'])).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// The demo service (examples/demo-service), run as its README says for development (tsx with the
// examples' tsconfig, which points obsctl/metrics at src/), at 1/100 of its latencies.

describe('examples/demo-service', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGTERM');
  });

  // tsx compiles the demo on start: seconds on a loaded 2-core CI machine, hence the longer limits.
  it('serves its API, counts jobs and requests, and an injected fault makes 5xx', { timeout: 120_000 }, async () => {
    const tsx = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    child = spawn(process.execPath, [tsx, '--tsconfig', 'examples/tsconfig.json', 'examples/demo-service/server.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LATENCY_SCALE: '0.01', OOM_RATE: '0', TIMEOUT_RATE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start:\n${log}`)), 90_000);
      const onData = (d: Buffer): void => {
        log += d.toString();
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.on('exit', (code) => reject(new Error(`demo exited (${code}):\n${log}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const post = (p: string, body: unknown): Promise<Response> =>
      fetch(`${base}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const gen = await Promise.all(Array.from({ length: 10 }, () => post('/v1/generate', { prompt: 'hi', max_tokens: 64 })));
    expect(gen.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await post('/v1/embeddings', { input: 'hi' })).status).toBe(200);
    expect((await fetch(`${base}/v1/unknown/123`)).status).toBe(404);

    const f = await fetch(`${base}/admin/fault?error_rate=1&seconds=60`, { method: 'POST' });
    expect(await f.json()).toMatchObject({ active: true, error_rate: 1 });
    const failed = await Promise.all(Array.from({ length: 5 }, () => post('/v1/generate', {})));
    for (const r of failed) expect(r.status).toBeGreaterThanOrEqual(500);
    expect((await fetch(`${base}/admin/fault`, { method: 'DELETE' })).status).toBe(200);
    expect((await post('/v1/generate', {})).status).toBe(200);

    const { expo } = await scrape(base);
    const req = appMetrics.requestsTotal.name;
    expect(value(expo, req, { method: 'POST', route: '/v1/generate', status: '200' })).toBe(11);
    const fivexx = series(expo, req, { route: '/v1/generate' }).filter((s) => s.labels.status!.startsWith('5'));
    expect(fivexx.reduce((a, s) => a + s.value, 0)).toBe(5);
    expect(value(expo, req, { method: 'GET', route: OTHER, status: '404' })).toBe(1);
    expect(value(expo, appMetrics.jobsTotal.name, { kind: 'generate', outcome: 'success' })).toBe(11);
    expect(series(expo, appMetrics.jobsTotal.name, { kind: 'generate', outcome: 'failure' }).reduce((a, s) => a + s.value, 0)).toBe(5);
    expect(value(expo, appMetrics.jobsTotal.name, { kind: 'embed', outcome: 'success' })).toBe(1);
    expect(value(expo, appMetrics.queueDepth.name, { queue: 'inference' })).toBe(0);
    expect(series(expo, appMetrics.buildInfo.name)).toHaveLength(1);

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.on('exit', (c) => resolve(c)));
    expect(code, log).toBe(0);
  });
});
