// HTTP: requests counted and timed (method, route template, status), in flight tracked, and the
// node:http middleware that does both and serves /metrics.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import type { InFlight, Instruments } from './instruments.js';
import { type BoundedLabel, normalizeMethod, normalizeStatus } from './labels.js';
import { pathnameOf, routeMatcher } from './routes.js';
import type { EndRequest, InstrumentOptions, RequestHandler } from './types.js';

/** Status for a response the client gave up on before it was complete (as nginx logs it). */
export const CLIENT_CLOSED_STATUS = 499;

export function requestRecorder(instruments: Instruments, inFlight: InFlight, routes: BoundedLabel) {
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
  return { observeRequest, startRequest };
}

/** node:http handler answering GET/HEAD with the registry's metrics in its content type. */
export const metricsHandlerFor = (registry: Registry) =>
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
  };

/** The handler threw or rejected: 500 if nothing was sent yet, else cut the response short. */
function fail(onError: NonNullable<InstrumentOptions['onError']>, error: unknown, req: IncomingMessage, res: ServerResponse, state: { failed: boolean }): void {
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

/** Wraps a node:http request handler: times and counts every request; serves metricsPath. */
export function middleware(
  startRequest: (method: string | undefined, route: string | undefined) => EndRequest,
  metricsHandler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
) {
  return function instrument(handler: RequestHandler, opts: InstrumentOptions): (req: IncomingMessage, res: ServerResponse) => void {
    if (opts.routes === undefined && opts.resolveRoute === undefined)
      throw new TypeError('obsctl/metrics: instrument() needs `routes` (templates) or `resolveRoute`');
    const match = opts.routes !== undefined ? routeMatcher(opts.routes) : undefined;
    const resolve = opts.resolveRoute ?? ((_req: IncomingMessage, p: string | undefined) => (p === undefined ? undefined : match!(p)));
    const metricsPath = opts.metricsPath ?? '/metrics';
    const onError = opts.onError ?? ((error: unknown) => console.error('obsctl/metrics: request handler failed:', error));

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
          (result as Promise<unknown>).then(undefined, (error: unknown) => fail(onError, error, req, res, state));
      } catch (error) {
        fail(onError, error, req, res, state);
      }
    };
  };
}
