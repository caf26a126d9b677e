// HTTP for verify: JSON with a timeout, errors as values (a check reports them, never throws).
import { plainRequest } from './http-request.js';

export interface HttpResult<T> {
  ok: boolean;
  status: number;
  body?: T;
  text: string;
  error?: string;
}

export type Fetch = typeof fetch;

export async function getJson<T>(url: string, options: { timeoutMs?: number; headers?: Record<string, string>; method?: string; body?: string; fetchImpl?: Fetch } = {}): Promise<HttpResult<T>> {
  const f = options.fetchImpl ?? plainRequest;
  try {
    const r = await f(url, {
      method: options.method ?? 'GET',
      headers: { accept: 'application/json', ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      ...(options.body ? { body: options.body } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    const text = await r.text();
    let body: T | undefined;
    try {
      body = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      body = undefined;
    }
    return { ok: r.ok, status: r.status, ...(body !== undefined ? { body } : {}), text };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: 0, text: '', error: cause ?? (e as Error).message };
  }
}

export const describeFailure = (r: HttpResult<unknown>) => (r.status === 0 ? `no answer (${r.error})` : `HTTP ${r.status}: ${r.text.slice(0, 300)}`);

interface PromVector {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  error?: string;
}

export async function promQuery(base: string, query: string, fetchImpl?: Fetch) {
  const r = await getJson<PromVector>(`${base}/api/v1/query?query=${encodeURIComponent(query)}`, fetchImpl ? { fetchImpl } : {});
  return { ...r, series: r.body?.data?.result ?? [] };
}
