// A counting proxy in front of the real Docker engine: a unix socket that passes every byte through
// to the engine's socket unchanged and writes down each HTTP request line it sees on the way in.
// Pointing DOCKER_HOST at it (dockerode and Compose both follow it) shows exactly which Engine API
// calls a command makes, from obsctl and from any Compose CLI it runs (issue 15: a no-change `up` is
// one call). Counting request lines in the raw stream can only overcount (a request body that held
// such a line), never miss a call, so a test on it cannot pass when a second call comes back.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface EngineProxy {
  /** unix:///tmp/…/engine.sock, for DOCKER_HOST. */
  host: string;
  /** Every request seen since the last reset: "GET /containers/json?…". */
  calls: string[];
  reset(): void;
  close(): Promise<void>;
}

/** The engine the tests use: DOCKER_HOST when it names a unix socket, else the default socket. */
function upstreamSocket(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST ?? '';
  if (host === '') return '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  throw new Error(`the counting engine proxy needs a unix socket engine, DOCKER_HOST is ${host}`);
}

const requestLine = /(?:^|\r\n)(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS) (\/\S*) HTTP\/1\.[01]\r\n/g;

export async function startEngineProxy(): Promise<EngineProxy> {
  const upstream = upstreamSocket();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-engine-proxy-'));
  const socket = path.join(dir, 'engine.sock');
  const calls: string[] = [];
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const engine = net.connect(upstream);
    open.add(client).add(engine);
    let tail = ''; // a request line split across two chunks is still seen once
    client.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('latin1');
      let last = 0;
      for (const m of text.matchAll(requestLine)) {
        calls.push(`${m[1]} ${m[2]}`);
        last = m.index + m[0].length;
      }
      tail = text.slice(Math.max(last, text.length - 2048));
    });
    client.pipe(engine).pipe(client);
    const end = () => {
      client.destroy();
      engine.destroy();
      open.delete(client);
      open.delete(engine);
    };
    client.on('error', end).on('close', end);
    engine.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
  return {
    host: `unix://${socket}`,
    calls,
    reset: () => void calls.splice(0),
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
