// One watch session: sources -> watcher -> hub -> outputs (terminal view, lines, NDJSON, SSE),
// ended by q / a signal, the --until event, or --timeout. The command only resolves flags into
// these options.
import crypto from 'node:crypto';
import type { ChalkInstance } from 'chalk';
import { errors } from '../errors.js';
import { dockerSource, type PushedSource } from './docker-source.js';
import { alertmanagerSource, prometheusSource } from './http-sources.js';
import { Hub } from './hub.js';
import { eventLine } from './model.js';
import { isLoopback, serveEvents, type WatchServer } from './serve.js';
import { startTtyView } from './tty.js';
import { untilMatches, type Until } from './until.js';
import { Watcher } from './watcher.js';

export interface WatchRunOptions {
  project: string;
  prometheus: string;
  alertmanager: string;
  /** Follow the local engine's containers of `project` (false for a remote stack). */
  docker: boolean;
  intervalMs: number;
  mode: 'view' | 'lines' | 'json';
  until?: Until;
  timeoutMs?: number;
  serve?: { host: string; port: number; token?: string; maxClients: number; keepAliveMs?: number };
  color: ChalkInstance;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** --serve HOST:PORT, checked: a token is required unless the address is loopback. */
export function parseServe(address: string, token: string | undefined, noToken: boolean, maxClients: number): NonNullable<WatchRunOptions['serve']> {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw errors.usage(`--serve ${address} is not HOST:PORT`, 'Use e.g. --serve 127.0.0.1:9900.');
  const host = m[1]!.replace(/^\[|\]$/g, '');
  if (noToken && !isLoopback(host)) {
    throw errors.usage(`--no-token is only allowed on a loopback address, not ${host}`, 'Bind to 127.0.0.1, or keep the token (pass it as ?token=... or Authorization: Bearer).');
  }
  if (!Number.isInteger(maxClients) || maxClients < 1) throw errors.usage(`--max-clients must be a positive number`);
  return { host, port, maxClients, ...(noToken ? {} : { token: token || crypto.randomBytes(18).toString('base64url') }) };
}

export async function runWatch(o: WatchRunOptions): Promise<number> {
  const hub = new Hub();
  const pushed: PushedSource[] = o.docker ? [dockerSource(o.project)] : [];
  const watcher = new Watcher(o.project, hub, [prometheusSource(o.prometheus), alertmanagerSource(o.alertmanager)], pushed, { intervalMs: o.intervalMs });

  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  if (o.mode === 'json') hub.subscribe((e) => o.out(JSON.stringify(e)));
  if (o.mode === 'lines') hub.subscribe((e) => o.out(eventLine(e)));
  if (o.until) {
    const until = o.until;
    hub.subscribe((e) => untilMatches(until, e) && finish(0));
  }

  let server: WatchServer | undefined;
  let serving: string | undefined;
  if (o.serve) {
    server = await serveEvents(hub, { ...o.serve, keepAliveMs: o.serve.keepAliveMs ?? 15_000, snapshot: () => watcher.snapshot() }).catch((e: NodeJS.ErrnoException) => {
      throw errors.usage(`--serve ${o.serve!.host}:${o.serve!.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`, 'Choose another port.');
    });
    serving = `serving events at ${server.url}/events, page at ${server.url}/${o.serve.token ? `?token=${o.serve.token}` : ''}, metrics at ${server.url}/metrics`;
    o.err(serving);
  }

  const timer = o.timeoutMs
    ? setTimeout(() => {
        if (o.until) o.err(`timed out after ${o.timeoutMs! / 1000} s waiting for ${o.until.type}${o.until.match ? `:${o.until.match}` : ''}`);
        finish(o.until ? 1 : 0);
      }, o.timeoutMs)
    : undefined;
  const onSignal = () => finish(o.mode === 'view' ? 0 : 130);
  if (o.mode !== 'view') {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const view = o.mode === 'view' ? startTtyView(hub, () => watcher.state, o.color, serving) : undefined;
  void view?.closed.then(() => finish(0));

  await watcher.start();
  const code = await finished;
  clearTimeout(timer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  view?.close();
  watcher.stop();
  await server?.close();
  return code;
}
