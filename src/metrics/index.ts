// obsctl/metrics: instrument a Node service with the metrics obsctl's App dashboard and `app` alert
// pack read. Every name, label and bucket comes from ./names.ts (the one definition the dashboard,
// the alert pack and this helper share); label values are bounded here so that no caller mistake
// (a raw URL as route, an error message as error type) can grow the number of series without end.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { appMetrics, durationBuckets } from './names.js';
import { pathnameOf, routeMatcher } from './routes.js';

export { appMetrics, durationBuckets, exposedAppMetricNames } from './names.js';
export { pathnameOf, routeMatcher, type RouteMatcher } from './routes.js';

/** The label value for everything outside the bounded set (unknown route, error type, method…). */
export const OTHER = 'other';

/** Status for a response the client gave up on before it was complete (as nginx logs it). */
export const CLIENT_CLOSED_STATUS = 499;

/** Error names (JavaScript's own) and codes (Node's, undici's) that are labels as they are. */
export const BUILTIN_ERROR_TYPES: readonly string[] = [
  'Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError',
  'AggregateError', 'AbortError', 'TimeoutError',
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT', 'EACCES', 'EEXIST', 'EMFILE', 'ENOMEM', 'ENOSPC',
  'ABORT_ERR', 'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET',
];

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);

/** How many distinct values a caller-chosen label may take before further ones become `other`. */
export interface LabelLimits {
  /** route (default 100) */
  routes?: number;
  /** kind of job (default 50) */
  kinds?: number;
  /** queue (default 50) */
  queues?: number;
  /** error_type values from a custom classifyError (default 50) */
  errorTypes?: number;
}

export interface CreateMetricsOptions {
  /** Registry to register into; a new one by default. */
  registry?: Registry;
  /** app_build_info{version}. */
  serviceVersion: string;
  /** app_build_info{commit}. */
  commit: string;
  /**
   * Labels added to every metric of the registry (prom-client default labels). Must not be
   * `job` or `instance` (Prometheus sets those) nor one of the app metrics' own labels.
   */
  defaultLabels?: Record<string, string>;
  /** Collect prom-client's process and Node.js metrics into the registry (default true). */
  collectDefaultMetrics?: boolean;
  /**
   * error_type values allowed besides BUILTIN_ERROR_TYPES. A failed job is labelled with its
   * error's `code` if that is allowed, else its `name` if that is allowed, else `other`.
   */
  errorTypes?: readonly string[];
  /**
   * Your own error classification (e.g. map messages to 'cuda_oom'). Its result is used as is
   * (up to limits.errorTypes distinct values); undefined falls back to code/name as above.
   */
  classifyError?: (error: unknown) => string | undefined;
  limits?: LabelLimits;
  /** Where label overflow and handler errors are reported (default: process warnings / console.error). */
  onWarning?: (message: string) => void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface InstrumentOptions {
  /** Route templates (`/users/:id`, `/static/*`); paths matching none are `other`. */
  routes?: readonly string[];
  /** Or your own resolver: return the route template, or undefined for `other`. Never the raw URL. */
  resolveRoute?: (req: IncomingMessage, pathname: string | undefined) => string | undefined | null;
  /** Path the wrapper answers with the registry's metrics, not counted as a request (default '/metrics'; false: none). */
  metricsPath?: string | false;
  /** Called when the handler throws or rejects (default: console.error). The response becomes 500. */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

/** Ends a request started with startRequest: counts and times it. Calls after the first are ignored. */
export type EndRequest = (status: number | string, route?: string) => void;

export interface AppMetrics {
  readonly registry: Registry;
  /** The prom-client metrics, for what the helpers below do not cover. */
  readonly instruments: {
    readonly requestsTotal: Counter<(typeof appMetrics.requestsTotal.labels)[number]>;
    readonly requestDuration: Histogram<(typeof appMetrics.requestDuration.labels)[number]>;
    readonly requestsInFlight: Gauge<(typeof appMetrics.requestsInFlight.labels)[number]>;
    readonly jobsTotal: Counter<(typeof appMetrics.jobsTotal.labels)[number]>;
    readonly jobDuration: Histogram<(typeof appMetrics.jobDuration.labels)[number]>;
    readonly queueDepth: Gauge<(typeof appMetrics.queueDepth.labels)[number]>;
    readonly buildInfo: Gauge<(typeof appMetrics.buildInfo.labels)[number]>;
  };
  /** Wraps a node:http request handler: times and counts every request; serves metricsPath. */
  instrument(handler: RequestHandler, options: InstrumentOptions): (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Starts a request (in flight from now on) for frameworks with their own hooks. `route` must be a
   * template. The returned function ends it; pass the route again if it is only known then
   * (Express: req.baseUrl + req.route.path).
   */
  startRequest(method: string | undefined, route: string | undefined): EndRequest;
  /** Counts and times one finished request (no in-flight tracking). */
  observeRequest(method: string | undefined, route: string | undefined, status: number | string, seconds: number): void;
  /** Runs fn as one job of this kind: counts success or failure (with error_type), times it, rethrows. */
  trackJob<T>(kind: string, fn: () => T | Promise<T>): Promise<T>;
  /** app_queue_depth{queue} = depth. */
  setQueueDepth(queue: string, depth: number): void;
  /** The error_type label a failure with this error gets. */
  errorType(error: unknown): string;
  /** node:http handler answering GET/HEAD with the registry's metrics in its content type. */
  metricsHandler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Admits the first `max` distinct values of a label; later ones become `other`. */
class BoundedLabel {
  private readonly seen = new Set<string>();
  private warned = false;
  private readonly what: string;
  private readonly max: number;
  private readonly warn: (message: string) => void;
  constructor(what: string, max: number, warn: (message: string) => void) {
    this.what = what;
    this.max = max;
    this.warn = warn;
  }

  admit(value: string | undefined | null): string {
    if (value === undefined || value === null || value === '' || value.length > 200) return OTHER;
    if (this.seen.has(value) || value === OTHER) return value;
    if (this.seen.size >= this.max) {
      if (!this.warned) {
        this.warned = true;
        this.warn(
          `obsctl/metrics: more than ${this.max} distinct ${this.what} values; further ones are labelled '${OTHER}' ` +
            `(first dropped: ${JSON.stringify(value.slice(0, 80))}). Label values must come from a small fixed set.`,
        );
      }
      return OTHER;
    }
    this.seen.add(value);
    return value;
  }
}

const FORBIDDEN_DEFAULT_LABELS = new Set(['job', 'instance', 'le', 'quantile']);

function checkDefaultLabels(labels: Record<string, string>): void {
  const own = new Set<string>(Object.values(appMetrics).flatMap((m) => [...m.labels]));
  for (const key of Object.keys(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key) || key.startsWith('__'))
      throw new TypeError(`obsctl/metrics: defaultLabels: ${JSON.stringify(key)} is not a valid Prometheus label name`);
    if (FORBIDDEN_DEFAULT_LABELS.has(key))
      throw new TypeError(`obsctl/metrics: defaultLabels: '${key}' is set by Prometheus; a label of that name would be renamed to exported_${key}`);
    if (own.has(key))
      throw new TypeError(`obsctl/metrics: defaultLabels: '${key}' is already a label of the app metrics`);
  }
}

function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return OTHER;
  const m = method.toUpperCase();
  return HTTP_METHODS.has(m) ? m : OTHER;
}

function normalizeStatus(status: number | string): string {
  const n = typeof status === 'number' ? status : Number(status);
  return Number.isInteger(n) && n >= 100 && n <= 599 ? String(n) : OTHER;
}

function defaultWarn(message: string): void {
  process.emitWarning(message, { code: 'OBSCTL_METRICS' });
}

/** Creates the app metrics in a registry (a new one unless given). Once per registry. */
export function createMetrics(options: CreateMetricsOptions): AppMetrics {
  const registry = options.registry ?? new Registry();
  const warn = options.onWarning ?? defaultWarn;
  const limits = options.limits ?? {};

  for (const m of Object.values(appMetrics)) {
    if (registry.getSingleMetric(m.name) !== undefined)
      throw new Error(`obsctl/metrics: the registry already has ${m.name}; call createMetrics once per registry`);
  }
  if (options.defaultLabels !== undefined) {
    checkDefaultLabels(options.defaultLabels);
    registry.setDefaultLabels(options.defaultLabels);
  }
  // Default metrics once per registry (a second collectDefaultMetrics into it would throw).
  if (options.collectDefaultMetrics !== false && registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectDefaultMetrics({ register: registry });
  }

  // In-flight requests are counted here and copied into the gauge when it is collected (a scrape):
  // a Map update per request instead of four label lookups in prom-client.
  const inFlight = new Map<string, { method: string; route: string; n: number }>();

  const registers = [registry];
  const buckets = [...durationBuckets];
  const instruments = {
    requestsTotal: new Counter({
      name: appMetrics.requestsTotal.name,
      help: 'HTTP requests by method, route template and status code.',
      labelNames: appMetrics.requestsTotal.labels,
      registers,
    }),
    requestDuration: new Histogram({
      name: appMetrics.requestDuration.name,
      help: 'HTTP request duration in seconds, by method, route template and status code.',
      labelNames: appMetrics.requestDuration.labels,
      buckets,
      registers,
    }),
    requestsInFlight: new Gauge({
      name: appMetrics.requestsInFlight.name,
      help: 'HTTP requests being served, by method and route template.',
      labelNames: appMetrics.requestsInFlight.labels,
      registers,
      collect() {
        for (const { method, route, n } of inFlight.values()) this.set({ method, route }, n);
      },
    }),
    jobsTotal: new Counter({
      name: appMetrics.jobsTotal.name,
      help: "Finished jobs by kind of work, outcome (success|failure) and error type ('' on success).",
      labelNames: appMetrics.jobsTotal.labels,
      registers,
    }),
    jobDuration: new Histogram({
      name: appMetrics.jobDuration.name,
      help: 'Job duration in seconds, by kind of work and outcome.',
      labelNames: appMetrics.jobDuration.labels,
      buckets,
      registers,
    }),
    queueDepth: new Gauge({
      name: appMetrics.queueDepth.name,
      help: 'Items waiting in a queue.',
      labelNames: appMetrics.queueDepth.labels,
      registers,
    }),
    buildInfo: new Gauge({
      name: appMetrics.buildInfo.name,
      help: 'Always 1; labels: version and commit of the running build.',
      labelNames: appMetrics.buildInfo.labels,
      registers,
    }),
  } as const;
  instruments.buildInfo.set({ version: options.serviceVersion || 'unknown', commit: options.commit || 'unknown' }, 1);

  const routes = new BoundedLabel('route', limits.routes ?? 100, warn);
  const kinds = new BoundedLabel('job kind', limits.kinds ?? 50, warn);
  const queues = new BoundedLabel('queue', limits.queues ?? 50, warn);
  const customErrorTypes = new BoundedLabel('error_type', limits.errorTypes ?? 50, warn);
  const knownErrorTypes = new Set([...BUILTIN_ERROR_TYPES, ...(options.errorTypes ?? [])]);

  function errorType(error: unknown): string {
    if (options.classifyError !== undefined) {
      let custom: string | undefined;
      try {
        custom = options.classifyError(error);
      } catch {
        custom = undefined;
      }
      if (custom !== undefined) return customErrorTypes.admit(custom);
    }
    if (typeof error !== 'object' || error === null) return OTHER;
    const { code, name } = error as { code?: unknown; name?: unknown };
    if ((typeof code === 'string' || typeof code === 'number') && knownErrorTypes.has(String(code))) return String(code);
    if (typeof name === 'string' && knownErrorTypes.has(name)) return name;
    return OTHER;
  }

  function record(method: string, route: string, status: string, seconds: number): void {
    instruments.requestsTotal.inc({ method, route, status });
    instruments.requestDuration.observe({ method, route, status }, seconds);
  }

  function observeRequest(method: string | undefined, route: string | undefined, status: number | string, seconds: number): void {
    record(normalizeMethod(method), routes.admit(route), normalizeStatus(status), Math.max(0, seconds));
  }

  function startRequest(rawMethod: string | undefined, rawRoute: string | undefined): EndRequest {
    const method = normalizeMethod(rawMethod);
    const route = routes.admit(rawRoute);
    const key = `${method} ${route}`;
    let slot = inFlight.get(key);
    if (slot === undefined) inFlight.set(key, (slot = { method, route, n: 0 }));
    const flying = slot;
    flying.n++;
    const started = performance.now();
    let ended = false;
    return (status, finalRoute) => {
      if (ended) return;
      ended = true;
      flying.n--;
      const r = finalRoute === undefined ? route : routes.admit(finalRoute);
      record(method, r, normalizeStatus(status), (performance.now() - started) / 1000);
    };
  }

  async function metricsHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    let body: string;
    try {
      body = await registry.metrics();
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`collecting metrics failed: ${String(error)}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function instrument(handler: RequestHandler, opts: InstrumentOptions): (req: IncomingMessage, res: ServerResponse) => void {
    if (opts.routes === undefined && opts.resolveRoute === undefined)
      throw new TypeError('obsctl/metrics: instrument() needs `routes` (templates) or `resolveRoute`');
    const match = opts.routes !== undefined ? routeMatcher(opts.routes) : undefined;
    const resolve = opts.resolveRoute ?? ((_req: IncomingMessage, p: string | undefined) => (p === undefined ? undefined : match!(p)));
    const metricsPath = opts.metricsPath ?? '/metrics';
    const onError = opts.onError ?? ((error: unknown) => console.error('obsctl/metrics: request handler failed:', error));

    /** The handler threw or rejected: 500 if nothing was sent yet, else cut the response short. */
    function fail(error: unknown, req: IncomingMessage, res: ServerResponse, state: { failed: boolean }): void {
      try {
        onError(error, req);
      } catch {
        // a failing error reporter must not take the server down
      }
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('internal server error\n');
      } else {
        state.failed = true;
        res.destroy();
      }
    }

    return (req, res) => {
      const pathname = pathnameOf(req.url);
      if (metricsPath !== false && pathname === metricsPath) {
        void metricsHandler(req, res);
        return;
      }
      let route: string | undefined;
      try {
        route = resolve(req, pathname) ?? undefined;
      } catch {
        route = undefined;
      }
      const end = startRequest(req.method, route);
      const state = { failed: false };
      // A ServerResponse emits 'close' once it is done: after 'finish' when the response was sent,
      // or without it when the connection went away first.
      res.on('close', () => end(state.failed ? 500 : res.writableFinished ? res.statusCode : CLIENT_CLOSED_STATUS));
      try {
        const result = handler(req, res);
        if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function')
          (result as Promise<unknown>).then(undefined, (error: unknown) => fail(error, req, res, state));
      } catch (error) {
        fail(error, req, res, state);
      }
    };
  }

  async function trackJob<T>(kind: string, fn: () => T | Promise<T>): Promise<T> {
    const k = kinds.admit(kind);
    const started = performance.now();
    try {
      const result = await fn();
      instruments.jobsTotal.inc({ kind: k, outcome: 'success', error_type: '' });
      instruments.jobDuration.observe({ kind: k, outcome: 'success' }, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      instruments.jobsTotal.inc({ kind: k, outcome: 'failure', error_type: errorType(error) });
      instruments.jobDuration.observe({ kind: k, outcome: 'failure' }, (performance.now() - started) / 1000);
      throw error;
    }
  }

  function setQueueDepth(queue: string, depth: number): void {
    if (!Number.isFinite(depth)) return;
    instruments.queueDepth.set({ queue: queues.admit(queue) }, depth);
  }

  return { registry, instruments, instrument, startRequest, observeRequest, trackJob, setQueueDepth, errorType, metricsHandler };
}
