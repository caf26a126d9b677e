// The one place that sends HTTP to Grafana: URL joining, Basic auth, JSON in and out, a timeout per
// request, and turning "no answer" into a GrafanaError. Status codes are left to the callers, which
// know what each one means on their endpoint.
import { GrafanaError, type GrafanaErrorKind } from './errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Credentials {
  user: string;
  password: string;
}

export interface HttpOptions {
  baseUrl: string;
  fetch: FetchLike;
  timeoutMs: number;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path and query, starting with /api/. */
  path: string;
  /** Basic credentials, or none for unauthenticated endpoints (/api/health). */
  auth?: Credentials;
  /** Sent as JSON. */
  body?: unknown;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json: unknown;
  text: string;
}

export function basicAuthHeader({ user, password }: Credentials): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** baseUrl may carry a sub-path (http://host/grafana); `path` is appended to it, not to the host. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export async function send(options: HttpOptions, request: ApiRequest): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.auth) headers.authorization = basicAuthHeader(request.auth);
  const init: RequestInit = { method: request.method, headers, signal: AbortSignal.timeout(options.timeoutMs) };
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(request.body);
  }
  const where = `${request.method} ${request.path}`;
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(joinUrl(options.baseUrl, request.path), init);
    text = await response.text();
  } catch (e) {
    throw noAnswer(e, where, request, options);
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', json, text };
}

function noAnswer(e: unknown, where: string, request: ApiRequest, options: HttpOptions): GrafanaError {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
  const kind: GrafanaErrorKind = timedOut ? 'timeout' : 'unreachable';
  const why = timedOut ? `no answer within ${options.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message ?? String(e));
  return new GrafanaError(kind, `Grafana at ${options.baseUrl} did not answer ${where}: ${why}`, { method: request.method, path: request.path });
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Grafana's error bodies: {"message": ...} (response.Error) or errutil's {"message","messageId","statusCode"}. */
export function grafanaMessage(res: ApiResponse): { message?: string; messageId?: string } {
  if (!isObject(res.json)) return {};
  const out: { message?: string; messageId?: string } = {};
  if (typeof res.json.message === 'string') out.message = res.json.message;
  if (typeof res.json.messageId === 'string') out.messageId = res.json.messageId;
  return out;
}

/** The generic failure for a status the calling method has no specific answer for. */
export function statusError(res: ApiResponse, request: ApiRequest, baseUrl: string): GrafanaError {
  const { message, messageId } = grafanaMessage(res);
  const where = `${request.method} ${request.path}`;
  const said = message ? `: ${message}` : res.json === undefined && res.text ? `: ${res.text.slice(0, 200)}` : '';
  const details = {
    method: request.method,
    path: request.path,
    status: res.status,
    ...(message !== undefined ? { grafanaMessage: message } : {}),
    ...(messageId !== undefined ? { messageId } : {}),
  };
  if (res.status === 401) {
    const who = request.auth ? `the credentials of user "${request.auth.user}"` : 'an unauthenticated request';
    return new GrafanaError('unauthorized', `Grafana at ${baseUrl} refused ${who} on ${where} (HTTP 401${said})`, details);
  }
  const kind: GrafanaErrorKind =
    res.status === 403 ? 'forbidden' : res.status === 404 ? 'not-found' : res.status === 400 ? 'bad-request' : res.status >= 500 ? 'server' : 'unexpected-response';
  return new GrafanaError(kind, `Grafana at ${baseUrl} answered ${where} with HTTP ${res.status}${said}`, details);
}

export function unexpected(res: ApiResponse, request: ApiRequest, baseUrl: string, what: string): GrafanaError {
  const body = res.text.slice(0, 200);
  return new GrafanaError('unexpected-response', `Grafana at ${baseUrl} answered ${request.method} ${request.path} with HTTP ${res.status} but ${what}${body ? `: ${body}` : ''}`, {
    method: request.method,
    path: request.path,
    status: res.status,
  });
}
