// `obsctl watch --serve`: the hub's events over Server-Sent Events. GET /events is the stream
// (Last-Event-ID resume from the hub's ring buffer, keep-alive comments), /events.json the polling
// fallback, / a minimal page, /metrics this server's own Prometheus metrics. Event data needs the
// token (Bearer header or ?token=) unless bound to loopback and started with --no-token.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Hub } from './hub.js';
import type { EventDraft, WatchEvent } from './model.js';
import { watchPage } from './page.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** undefined: no token (only allowed on loopback; checked by the caller). */
  token?: string;
  maxClients: number;
  keepAliveMs: number;
  /** A fresh snapshot, for a client whose Last-Event-ID already left the ring buffer. */
  snapshot: () => EventDraft;
}

export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** A slow client is cut off once this much is queued for it, rather than buffering forever. */
const maxBuffered = 1 << 20;

export function sseFrame(e: WatchEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

export interface WatchServer {
  url: string;
  clients(): number;
  close(): Promise<void>;
}

export async function serveEvents(hub: Hub, options: ServeOptions): Promise<WatchServer> {
  const registry = new Registry();
  const clientsGauge = new Gauge({ name: 'obsctl_watch_sse_clients', help: 'SSE clients connected now', registers: [registry] });
  const sent = new Counter({ name: 'obsctl_watch_events_sent_total', help: 'events written to SSE clients', registers: [registry] });
  const dropped = new Counter({ name: 'obsctl_watch_events_dropped_total', help: 'events not delivered: client too slow (cut off) or resumed past the ring buffer', registers: [registry] });
  const reconnects = new Counter({ name: 'obsctl_watch_sse_reconnects_total', help: 'SSE connections that resumed with Last-Event-ID', registers: [registry] });
  const refused = new Counter({ name: 'obsctl_watch_sse_refused_total', help: 'SSE connections refused', labelNames: ['reason'], registers: [registry] });
  const published = new Counter({ name: 'obsctl_watch_events_published_total', help: 'events published by the watcher', labelNames: ['type'], registers: [registry] });
  const unsubscribeCount = hub.subscribe((e) => published.inc({ type: e.type }));

  const streams = new Set<http.ServerResponse>();
  const authorized = (req: http.IncomingMessage, url: URL) => {
    if (options.token === undefined) return true;
    const given = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? url.searchParams.get('token') ?? '';
    const a = crypto.createHash('sha256').update(given).digest();
    const b = crypto.createHash('sha256').update(options.token).digest();
    return crypto.timingSafeEqual(a, b);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };

  const stream = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    if (streams.size >= options.maxClients) {
      refused.inc({ reason: 'max_clients' });
      res.writeHead(503, { 'retry-after': '5', 'content-type': 'text/plain' }).end(`at most ${options.maxClients} clients (--max-clients)\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    const write = (e: WatchEvent) => {
      if (res.writableLength > maxBuffered) {
        dropped.inc();
        res.destroy();
        return;
      }
      res.write(sseFrame(e));
      sent.inc();
    };
    const lastId = Number(req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? NaN);
    if (Number.isInteger(lastId) && lastId >= 0) {
      reconnects.inc();
      const { events, complete } = hub.since(lastId);
      if (!complete) {
        // Missed more than the ring holds: start over from the current state.
        dropped.inc(hub.lastId - lastId - events.length);
        write({ ...options.snapshot(), id: hub.lastId, time: new Date().toISOString() });
      } else for (const e of events) write(e);
    } else {
      const { events } = hub.since(0);
      const start = events.findLastIndex((e) => e.type === 'snapshot' || e.type === 'resynced');
      // A new client: the newest state, then what happened since.
      if (start >= 0 && events[start]!.type === 'snapshot') for (const e of events.slice(start)) write(e);
      else write({ ...options.snapshot(), id: hub.lastId, time: new Date().toISOString() });
    }
    const unsubscribe = hub.subscribe(write);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), options.keepAliveMs);
    streams.add(res);
    clientsGauge.set(streams.size);
    res.on('close', () => {
      unsubscribe();
      clearInterval(keepAlive);
      streams.delete(res);
      clientsGauge.set(streams.size);
    });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://watch');
    if (req.method !== 'GET') return json(res, 405, { error: 'only GET' });
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(watchPage);
      return;
    }
    if (url.pathname === '/metrics') {
      void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
      return;
    }
    if (url.pathname !== '/events' && url.pathname !== '/events.json') return json(res, 404, { error: 'not found: try /, /events, /events.json or /metrics' });
    if (!authorized(req, url)) {
      refused.inc({ reason: 'token' });
      return json(res, 401, { error: 'missing or wrong token: pass ?token=... or Authorization: Bearer ...' });
    }
    if (url.pathname === '/events') return stream(req, res, url);
    const after = Number(url.searchParams.get('after') ?? 0) || 0;
    const { events, complete } = hub.since(after);
    json(res, 200, { lastId: hub.lastId, events: complete ? events : [{ ...options.snapshot(), id: hub.lastId, time: new Date().toISOString() }] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    clients: () => streams.size,
    close: async () => {
      unsubscribeCount();
      for (const s of streams) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
