// The SSE server of `obsctl watch --serve`, read by a real EventSource client (the `eventsource`
// package): events arrive in order, a reconnect with Last-Event-ID gets exactly the missed ones,
// tokens are enforced, keep-alives flow, the client limit holds, and its own metrics count it all.
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../src/watch/hub.js';
import { emptyState, snapshotEvent, type EventDraft, type WatchEvent } from '../src/watch/model.js';
import { parseServe } from '../src/watch/run.js';
import { serveEvents, type WatchServer } from '../src/watch/serve.js';

const token = 'test-token';
const draft = (n: number): EventDraft => ({ type: 'target_down', source: 'prometheus', subject: `job t${n}`, summary: `job t${n} is down`, evidence: { n } });

let server: WatchServer | undefined;
const sources: EventSource[] = [];
afterEach(async () => {
  for (const s of sources.splice(0)) s.close();
  await server?.close();
  server = undefined;
});

async function start(hub: Hub, options: { maxClients?: number; keepAliveMs?: number; token?: string | null } = {}) {
  server = await serveEvents(hub, {
    host: '127.0.0.1',
    port: 0,
    ...(options.token === null ? {} : { token: options.token ?? token }),
    maxClients: options.maxClients ?? 10,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    snapshot: () => snapshotEvent(emptyState('now')),
  });
  return server.url;
}

/** An EventSource sending the token (and, for a resume, a Last-Event-ID) as headers. */
function connect(url: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) {
  const got: WatchEvent[] = [];
  const es = new EventSource(`${url}/events`, { fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }) });
  for (const type of ['snapshot', 'target_down']) es.addEventListener(type, (m) => got.push(JSON.parse(m.data) as WatchEvent));
  sources.push(es);
  return { es, got };
}

const until = async (what: string, ok: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('obsctl watch --serve', () => {
  it('streams the snapshot, then each event as it is published, with its id', async () => {
    const hub = new Hub();
    hub.publish(snapshotEvent(emptyState('demo')));
    const url = await start(hub);
    const { got } = connect(url);
    await until('the snapshot', () => got.length === 1);
    hub.publish(draft(1));
    hub.publish(draft(2));
    await until('two events', () => got.length === 3);
    expect(got.map((e) => [e.id, e.type, e.subject])).toEqual([
      [1, 'snapshot', 'demo'],
      [2, 'target_down', 'job t1'],
      [3, 'target_down', 'job t2'],
    ]);
  });

  it('a reconnect with Last-Event-ID gets exactly the missed events', async () => {
    const hub = new Hub();
    hub.publish(snapshotEvent(emptyState('demo')));
    const url = await start(hub);
    const first = connect(url);
    hub.publish(draft(1));
    await until('event 2', () => first.got.some((e) => e.id === 2));
    first.es.close();
    const lastSeen = first.got.at(-1)!.id;
    for (let n = 2; n <= 4; n++) hub.publish(draft(n)); // ids 3..5, published while away
    const again = connect(url, { authorization: `Bearer ${token}`, 'last-event-id': String(lastSeen) });
    await until('the missed events', () => again.got.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(again.got.map((e) => e.id)).toEqual([3, 4, 5]);
    hub.publish(draft(5));
    await until('the live one after the resume', () => again.got.length === 4);
    expect(again.got.at(-1)!.id).toBe(6);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^obsctl_watch_sse_reconnects_total 1$/m);
  });

  it('a Last-Event-ID older than the ring buffer starts over from a fresh snapshot, counted as dropped', async () => {
    const hub = new Hub(3);
    const url = await start(hub);
    for (let n = 1; n <= 10; n++) hub.publish(draft(n));
    const { got } = connect(url, { authorization: `Bearer ${token}`, 'last-event-id': '2' });
    await until('the snapshot', () => got.length === 1);
    expect(got[0]).toMatchObject({ type: 'snapshot', subject: 'now', id: 10 });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^obsctl_watch_events_dropped_total 5$/m);
  });

  it('a wrong or missing token gets 401 (and the client gives up); --no-token only on loopback', async () => {
    const url = await start(new Hub());
    expect((await fetch(`${url}/events`)).status).toBe(401);
    expect((await fetch(`${url}/events?token=nope`)).status).toBe(401);
    expect((await fetch(`${url}/events.json`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(`${url}/events.json?token=${token}`)).status).toBe(200);
    const { es } = connect(url, { authorization: 'Bearer nope' });
    const error = await new Promise<{ code?: number }>((resolve) => (es.onerror = (e) => resolve(e as { code?: number })));
    expect(error.code).toBe(401);
    expect(es.readyState).toBe(EventSource.CLOSED);
    expect(() => parseServe('0.0.0.0:9900', undefined, true, 10)).toThrowError(/only allowed on a loopback address/);
    expect(parseServe('127.0.0.1:9900', undefined, true, 10)).toEqual({ host: '127.0.0.1', port: 9900, maxClients: 10 });
    expect(parseServe('[::1]:9900', undefined, false, 10).token).toMatch(/^[\w-]{24}$/);
    expect(() => parseServe('localhost', undefined, false, 10)).toThrowError(/is not HOST:PORT/);
  });

  it('without a token on loopback anyone local reads the stream', async () => {
    const url = await start(new Hub(), { token: null });
    const { got } = connect(url, {});
    await until('the snapshot', () => got.length === 1);
  });

  it('sends keep-alive comments, refuses clients over the limit, and counts clients and events in /metrics', async () => {
    const hub = new Hub();
    hub.publish(snapshotEvent(emptyState('demo')));
    const url = await start(hub, { maxClients: 1, keepAliveMs: 50 });
    const response = await fetch(`${url}/events?token=${token}`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes(': keep-alive')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^retry: 2000\n\nid: 1\nevent: snapshot\ndata: \{/);
    const second = await fetch(`${url}/events?token=${token}`);
    expect(second.status).toBe(503);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^obsctl_watch_sse_clients 1$/m);
    expect(metrics).toMatch(/^obsctl_watch_events_sent_total 1$/m);
    expect(metrics).toMatch(/^obsctl_watch_sse_refused_total\{reason="max_clients"\} 1$/m);
    await reader.cancel();
    hub.publish(draft(1));
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^obsctl_watch_events_published_total\{type="target_down"\} 1$/m);
  });

  it('serves the page at / and the polling fallback at /events.json', async () => {
    const hub = new Hub();
    for (let n = 1; n <= 3; n++) hub.publish(draft(n));
    const url = await start(hub);
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain("new EventSource('/events'");
    expect(page).toContain("fetch('/events.json?'");
    const body = (await (await fetch(`${url}/events.json?token=${token}&after=1`)).json()) as { lastId: number; events: WatchEvent[] };
    expect(body.lastId).toBe(3);
    expect(body.events.map((e) => e.id)).toEqual([2, 3]);
  });
});
