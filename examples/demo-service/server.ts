// demo-service: a pretend GPU inference API instrumented with obsctl/metrics, for the App dashboard,
// the `app` alert pack and end-to-end tests. Plain Node 22 runs it as is (type stripping); see
// README.md. No dependency but obsctl/metrics (and through it prom-client).
//
//   POST /v1/generate      {"prompt": "...", "max_tokens": 128}  -> queued "generate" job (50 ms .. 8 s)
//   POST /v1/embeddings    {"input": "..."}                      -> queued "embed" job (fast)
//   GET  /v1/models
//   GET  /healthz
//   GET  /metrics
//   GET|POST|DELETE /admin/fault?error_rate=0.5&latency_factor=1&seconds=120 -> fault (5xx, slowness), README.md
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMetrics } from 'obsctl/metrics';

// ---------------------------------------------------------------------------------------------
// Settings (environment)

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    console.error(`demo-service: ${name}=${JSON.stringify(raw)} is not a number`);
    process.exit(2);
  }
  return n;
}

const PORT = numberEnv('PORT', 8000);
const HOST = process.env.HOST ?? '0.0.0.0';
/** Concurrent jobs (think: GPUs, or batch slots). */
const WORKERS = Math.max(1, Math.floor(numberEnv('WORKERS', 4)));
/** Requests beyond this many queued jobs get 429. */
const MAX_QUEUE = Math.max(1, Math.floor(numberEnv('MAX_QUEUE', 500)));
/** Multiplies every simulated latency (tests use 0.01). */
const LATENCY_SCALE = numberEnv('LATENCY_SCALE', 1);
/** Base failure probabilities of a job. */
const OOM_RATE = numberEnv('OOM_RATE', 0.02);
const TIMEOUT_RATE = numberEnv('TIMEOUT_RATE', 0.01);
/** Self-generated traffic, requests per second (0: none), so a bare container makes its own load. */
const LOAD_RPS = numberEnv('LOAD_RPS', 0);

// ---------------------------------------------------------------------------------------------
// Metrics: the three lines

const metrics = createMetrics({
  serviceVersion: process.env.SERVICE_VERSION ?? '0.1.0-demo',
  commit: process.env.GIT_COMMIT ?? 'unknown',
  errorTypes: ['CudaOOM', 'Timeout', 'FaultInjected'],
});
const ROUTES = ['/v1/generate', '/v1/embeddings', '/v1/models', '/healthz', '/admin/fault'];

// ---------------------------------------------------------------------------------------------
// Simulated GPU work

class CudaOOM extends Error {
  constructor(message = 'CUDA out of memory') {
    super(message);
    this.name = 'CudaOOM';
  }
}
class Timeout extends Error {
  constructor(message = 'inference timed out') {
    super(message);
    this.name = 'Timeout';
  }
}
class FaultInjected extends Error {
  constructor(message = 'injected fault') {
    super(message);
    this.name = 'FaultInjected';
  }
}

type Kind = 'generate' | 'embed';

/** Standard normal (Box-Muller). */
function gaussian(): number {
  const u = 1 - Math.random();
  const v = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal latency in ms around a median, clamped. */
function logNormalMs(medianMs: number, sigma: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(minMs, medianMs * Math.exp(sigma * gaussian())));
}

const GENERATE_TIMEOUT_MS = 8000;

/**
 * How long a job takes, log-normal, 50 ms .. 8 s: generate scales with max_tokens (median 40 ms +
 * 1.5 ms per token: ~230 ms at 128, ~810 ms at 512), embed is short (median 80 ms). With the mix
 * LOAD_RPS sends, p95 over all requests is about 1.1 s (about 1.3 s as histogram_quantile reads it
 * from the buckets): under the default app.latency_p95_seconds (2 s), so a healthy demo does not
 * alert; a fault's latency_factor does.
 */
function latencyMs(kind: Kind, maxTokens: number): number {
  const factor = currentFault().latencyFactor;
  if (kind === 'embed') return factor * logNormalMs(80, 0.5, 50, 1000);
  return Math.min(GENERATE_TIMEOUT_MS, factor * logNormalMs(40 + 1.5 * maxTokens, 0.6, 50, GENERATE_TIMEOUT_MS));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms * LATENCY_SCALE));

interface Fault {
  /** Probability that a job fails (on top of the base rates). */
  errorRate: number;
  /** Multiplies job latencies. */
  latencyFactor: number;
  until: number;
}
const NO_FAULT = { errorRate: 0, latencyFactor: 1 };
let fault: Fault | undefined;
function currentFault(): { errorRate: number; latencyFactor: number } {
  if (fault === undefined) return NO_FAULT;
  if (Date.now() >= fault.until) {
    fault = undefined;
    console.log('demo-service: fault over');
    return NO_FAULT;
  }
  return fault;
}

async function infer(kind: Kind, maxTokens: number): Promise<{ tokens: number; latencyMs: number }> {
  const ms = latencyMs(kind, maxTokens);
  const roll = Math.random();
  if (roll < currentFault().errorRate) {
    await sleep(ms * 0.3);
    throw Math.random() < 0.7 ? new CudaOOM('CUDA out of memory (injected)') : new FaultInjected();
  }
  const r = Math.random();
  if (r < OOM_RATE) {
    // OOM shows up early: at allocation, before most of the work.
    await sleep(ms * 0.2);
    throw new CudaOOM(`CUDA out of memory. Tried to allocate ${(1 + Math.random() * 7).toFixed(2)} GiB`);
  }
  if (kind === 'generate' && r < OOM_RATE + TIMEOUT_RATE) {
    // A generation that hangs until the 8 s deadline.
    await sleep(GENERATE_TIMEOUT_MS);
    throw new Timeout();
  }
  await sleep(ms);
  return { tokens: kind === 'generate' ? Math.max(1, Math.round(maxTokens * (0.5 + Math.random() / 2))) : 0, latencyMs: Math.round(ms) };
}

// ---------------------------------------------------------------------------------------------
// Queue: WORKERS jobs at a time, the rest wait (app_queue_depth{queue="inference"})

interface Task {
  kind: Kind;
  maxTokens: number;
  resolve: (r: { tokens: number; latencyMs: number }) => void;
  reject: (e: unknown) => void;
}
const queue: Task[] = [];
let busy = 0;

function publishDepth(): void {
  metrics.setQueueDepth('inference', queue.length);
}
publishDepth();

function pump(): void {
  while (busy < WORKERS && queue.length > 0) {
    const task = queue.shift()!;
    busy++;
    publishDepth();
    metrics
      .trackJob(task.kind, () => infer(task.kind, task.maxTokens))
      .then(task.resolve, task.reject)
      .finally(() => {
        busy--;
        pump();
      });
  }
}

class QueueFull extends Error {
  constructor() {
    super('queue full');
    this.name = 'QueueFull';
  }
}

function submit(kind: Kind, maxTokens: number): Promise<{ tokens: number; latencyMs: number }> {
  if (queue.length >= MAX_QUEUE) return Promise.reject(new QueueFull());
  return new Promise((resolve, reject) => {
    queue.push({ kind, maxTokens, resolve, reject });
    publishDepth();
    pump();
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage, limit = 1 << 20): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RangeError('body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('body must be a JSON object');
  return value as Record<string, unknown>;
}

function jobError(res: ServerResponse, error: unknown): void {
  if (error instanceof QueueFull) return send(res, 429, { error: 'queue full, retry later' });
  if (error instanceof CudaOOM) return send(res, 503, { error: error.message, type: 'CudaOOM' });
  if (error instanceof Timeout) return send(res, 504, { error: error.message, type: 'Timeout' });
  send(res, 500, { error: error instanceof Error ? error.message : String(error) });
}

function faultState(): Record<string, unknown> {
  const f = currentFault();
  return fault === undefined
    ? { active: false }
    : { active: true, error_rate: f.errorRate, latency_factor: f.latencyFactor, seconds_left: Math.ceil((fault.until - Date.now()) / 1000) };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'GET /healthz':
      return send(res, 200, { status: 'ok' });
    case 'GET /v1/models':
      return send(res, 200, { data: [{ id: 'demo-llm-7b' }, { id: 'demo-embed-small' }] });
    case 'POST /v1/generate':
    case 'POST /v1/embeddings': {
      let body: Record<string, unknown>;
      try {
        body = await readJson(req);
      } catch (error) {
        return send(res, 400, { error: error instanceof Error ? error.message : 'bad request' });
      }
      const kind: Kind = url.pathname === '/v1/generate' ? 'generate' : 'embed';
      const maxTokens = typeof body.max_tokens === 'number' && body.max_tokens > 0 ? Math.min(body.max_tokens, 2048) : 128;
      try {
        const r = await submit(kind, maxTokens);
        return send(res, 200, kind === 'generate' ? { text: 'lorem ipsum '.repeat(3).trim(), tokens: r.tokens, latency_ms: r.latencyMs } : { embedding: [0.1, 0.2, 0.3], latency_ms: r.latencyMs });
      } catch (error) {
        return jobError(res, error);
      }
    }
    case 'GET /admin/fault':
      return send(res, 200, faultState());
    case 'POST /admin/fault': {
      const q = url.searchParams;
      const errorRate = Number(q.get('error_rate') ?? (q.has('latency_factor') ? '0' : '0.5'));
      const latencyFactor = Number(q.get('latency_factor') ?? '1');
      const seconds = Number(q.get('seconds') ?? '120');
      if (!(errorRate >= 0 && errorRate <= 1) || !(latencyFactor > 0) || !(seconds > 0))
        return send(res, 400, { error: 'error_rate must be in [0, 1], latency_factor > 0, seconds > 0' });
      fault = { errorRate, latencyFactor, until: Date.now() + seconds * 1000 };
      console.log(`demo-service: fault injected: error_rate=${errorRate} latency_factor=${latencyFactor} for ${seconds}s`);
      return send(res, 200, faultState());
    }
    case 'DELETE /admin/fault':
      fault = undefined;
      console.log('demo-service: fault cleared');
      return send(res, 200, faultState());
    default:
      return ROUTES.includes(url.pathname) ? send(res, 405, { error: 'method not allowed' }) : send(res, 404, { error: 'not found' });
  }
}

// ---------------------------------------------------------------------------------------------
// Healthcheck mode (`server.ts healthcheck`), for images without curl/wget

if (process.argv[2] === 'healthcheck') {
  const req = http.get({ host: '127.0.0.1', port: PORT, path: '/healthz', timeout: 3000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1));
  req.on('error', () => process.exit(1));
  req.on('timeout', () => process.exit(1));
} else {
  start();
}

function start(): void {
  const errorRate = numberEnv('FAULT_ERROR_RATE', 0);
  const latencyFactor = numberEnv('FAULT_LATENCY_FACTOR', 1);
  if (errorRate > 0 || latencyFactor !== 1) fault = { errorRate, latencyFactor, until: Date.now() + numberEnv('FAULT_SECONDS', 120) * 1000 };

  const server = http.createServer({ keepAliveTimeout: 65_000 }, metrics.instrument(handle, { routes: ROUTES }));
  server.listen(PORT, HOST, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : PORT;
    console.log(`demo-service listening on http://${HOST}:${port} (workers=${WORKERS}, latency_scale=${LATENCY_SCALE}, load_rps=${LOAD_RPS})`);
    if (fault !== undefined) console.log(`demo-service: fault injected from start: error_rate=${fault.errorRate} latency_factor=${fault.latencyFactor}`);
    if (LOAD_RPS > 0) startLoad(port);
  });

  const stop = (signal: string): void => {
    console.log(`demo-service: ${signal}, shutting down`);
    stopLoad();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

let stopLoad = (): void => {};

/** Poisson self-traffic: mostly generate, some embeddings, a few cheap GETs. */
function startLoad(port: number): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let timer: NodeJS.Timeout | undefined;
  stopLoad = () => {
    clearTimeout(timer);
    agent.destroy();
  };
  const fire = (method: string, path: string, body?: unknown): void => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => res.resume());
    req.on('error', () => {});
    req.end(data);
  };
  const tick = (): void => {
    const r = Math.random();
    if (r < 0.6) fire('POST', '/v1/generate', { prompt: 'hello', max_tokens: [32, 64, 128, 256, 512][Math.floor(Math.random() * 5)] });
    else if (r < 0.9) fire('POST', '/v1/embeddings', { input: 'hello' });
    else if (r < 0.97) fire('GET', '/v1/models');
    else fire('GET', `/v1/unknown/${Math.floor(Math.random() * 1e6)}`); // a 404 under route "other"
    timer = setTimeout(tick, (-Math.log(1 - Math.random()) * 1000) / LOAD_RPS);
  };
  tick();
}
