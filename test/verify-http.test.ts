// verify's getJson over node:http (src/verify/http-request.ts): what the checks rely on, against a
// real local server: status and JSON, a POSTed body, no compression asked for, the error code when
// nothing listens, the timeout's message when the answer does not come.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, getJson } from '../src/verify/http.js';

let server: http.Server;
let base = '';
const seen: { method?: string; encoding?: string; body: string }[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, encoding: req.headers['accept-encoding'], body });
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 2000);
      if (req.url === '/missing') return void res.writeHead(404).end('no such thing');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', echo: body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('getJson', () => {
  it('returns status and parsed JSON; POSTs a body; asks for the answer uncompressed', async () => {
    const r = await getJson<{ echo: string }>(`${base}/x`, { method: 'POST', body: '[{"a":1}]' });
    expect(r).toMatchObject({ ok: true, status: 200, body: { echo: '[{"a":1}]' } });
    expect(seen.at(-1)).toEqual({ method: 'POST', encoding: 'identity', body: '[{"a":1}]' });
  });

  it('a 404 is an answer, not ok, with its text', async () => {
    const r = await getJson(`${base}/missing`);
    expect(r).toMatchObject({ ok: false, status: 404, text: 'no such thing' });
    expect(describeFailure(r)).toBe('HTTP 404: no such thing');
  });

  it('no listener: no answer, with the system error code', async () => {
    const port = (server.address() as AddressInfo).port;
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(free).not.toBe(port);
    const r = await getJson(`http://127.0.0.1:${free}/`);
    expect(r).toMatchObject({ ok: false, status: 0, error: 'ECONNREFUSED' });
    expect(describeFailure(r)).toBe('no answer (ECONNREFUSED)');
  });

  it('no answer in time: the timeout says so', async () => {
    const r = await getJson(`${base}/slow`, { timeoutMs: 200 });
    expect(r).toMatchObject({ ok: false, status: 0 });
    expect(r.error).toMatch(/timeout/i);
  });
});
