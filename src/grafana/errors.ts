// Errors from talking to Grafana's HTTP API. One class, told apart by `kind`, so callers can react
// (retry on 'unreachable', ask for credentials on 'unauthorized') without parsing messages.
// Messages never contain a password: they name the user, the request and what Grafana said.

export type GrafanaErrorKind =
  /** No HTTP answer at all: connection refused, DNS, reset. */
  | 'unreachable'
  /** No answer within the per-request timeout. */
  | 'timeout'
  /** 401: the Basic credentials were refused. */
  | 'unauthorized'
  /** 403: authenticated, but not allowed. */
  | 'forbidden'
  /** 404 where the method has no better answer for it. */
  | 'not-found'
  /** 400 where the method has no better answer for it. */
  | 'bad-request'
  /** 5xx. */
  | 'server'
  /** An answer that is not what Grafana answers there (not JSON, wrong shape, odd status). */
  | 'unexpected-response';

export interface GrafanaErrorDetails {
  method: string;
  path: string;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** Grafana's own `message` from the body, when it sent one. */
  grafanaMessage?: string;
  /** Grafana's `messageId` (errutil errors, Grafana 9+), when it sent one. */
  messageId?: string;
}

export class GrafanaError extends Error {
  constructor(
    readonly kind: GrafanaErrorKind,
    message: string,
    readonly details: GrafanaErrorDetails,
  ) {
    super(message);
    this.name = 'GrafanaError';
  }
}

export const isGrafanaError = (e: unknown): e is GrafanaError => e instanceof GrafanaError;
