// One HTTP request with node:http(s), for getJson. Why not fetch: the first fetch() in a process
// loads Node's bundled undici, ~110 ms of CPU measured per `obsctl verify` and per no-change `up`
// (GPU discovery asks Prometheus once), more than everything else they ask (issue 15). This keeps
// what getJson needs of fetch: status, body text, a timeout, and the error code on no answer.
import { http, https } from './node-http.js';

export interface PlainResponse {
  ok: boolean;
  status: number;
  text: () => Promise<string>;
}

export interface PlainRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** The error thrown when nothing answers, shaped like fetch's: the system error code in cause. */
class NoAnswer extends Error {
  constructor(override readonly cause: { code?: string }, message: string) {
    super(message);
  }
}

export function plainRequest(url: string, init: PlainRequest): Promise<PlainResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https() : http();
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: init.method,
        // The answer as it is: compressing and inflating a local answer cost both sides CPU.
        headers: { 'accept-encoding': 'identity', ...init.headers, ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}) },
        signal: init.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e: NodeJS.ErrnoException) => reject(new NoAnswer({ code: e.code ?? e.name }, e.message)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ ok: status >= 200 && status < 300, status, text: async () => text });
        });
      },
    );
    // As fetch says it: the timeout's own message, else the system error code (ECONNREFUSED).
    req.on('error', (e: NodeJS.ErrnoException) => reject(init.signal.aborted ? new NoAnswer({}, String((init.signal.reason as Error | undefined)?.message ?? e.message)) : new NoAnswer({ code: e.code ?? e.name }, e.message)));
    req.end(init.body);
  });
}
