// Bounded label values: every label a caller chooses (route, job kind, queue, error type) admits a
// fixed number of distinct values, then `other`, so no caller mistake grows the series without end.
import { appMetrics } from './names.js';
import type { CreateMetricsOptions } from './types.js';

/** The label value for everything outside the bounded set (unknown route, error type, method…). */
export const OTHER = 'other';

/** Error names (JavaScript's own) and codes (Node's, undici's) that are labels as they are. */
export const BUILTIN_ERROR_TYPES: readonly string[] = [
  'Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError',
  'AggregateError', 'AbortError', 'TimeoutError',
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT', 'EACCES', 'EEXIST', 'EMFILE', 'ENOMEM', 'ENOSPC',
  'ABORT_ERR', 'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET',
];

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);

/** Admits the first `max` distinct values of a label; later ones become `other`. */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  private warned = false;
  private readonly what: string;
  private readonly max: number;
  private readonly warn: (message: string) => void;
  constructor(what: string, max: number, warn: (message: string) => void) {
    this.what = what;
    this.max = max;
    this.warn = warn;
  }

  admit(value: string | undefined | null): string {
    if (value === undefined || value === null || value === '' || value.length > 200) return OTHER;
    if (this.seen.has(value) || value === OTHER) return value;
    if (this.seen.size >= this.max) {
      if (!this.warned) {
        this.warned = true;
        this.warn(
          `obsctl/metrics: more than ${this.max} distinct ${this.what} values; further ones are labelled '${OTHER}' ` +
            `(first dropped: ${JSON.stringify(value.slice(0, 80))}). Label values must come from a small fixed set.`,
        );
      }
      return OTHER;
    }
    this.seen.add(value);
    return value;
  }
}

const FORBIDDEN_DEFAULT_LABELS = new Set(['job', 'instance', 'le', 'quantile']);

export function checkDefaultLabels(labels: Record<string, string>): void {
  const own = new Set<string>(Object.values(appMetrics).flatMap((m) => [...m.labels]));
  for (const key of Object.keys(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key) || key.startsWith('__'))
      throw new TypeError(`obsctl/metrics: defaultLabels: ${JSON.stringify(key)} is not a valid Prometheus label name`);
    if (FORBIDDEN_DEFAULT_LABELS.has(key))
      throw new TypeError(`obsctl/metrics: defaultLabels: '${key}' is set by Prometheus; a label of that name would be renamed to exported_${key}`);
    if (own.has(key))
      throw new TypeError(`obsctl/metrics: defaultLabels: '${key}' is already a label of the app metrics`);
  }
}

export function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return OTHER;
  const m = method.toUpperCase();
  return HTTP_METHODS.has(m) ? m : OTHER;
}

export function normalizeStatus(status: number | string): string {
  const n = typeof status === 'number' ? status : Number(status);
  return Number.isInteger(n) && n >= 100 && n <= 599 ? String(n) : OTHER;
}

/** The error_type of a failure: a custom classification (bounded), else an allowed code or name, else `other`. */
export function errorTypeClassifier(options: CreateMetricsOptions, warn: (message: string) => void): (error: unknown) => string {
  const customErrorTypes = new BoundedLabel('error_type', options.limits?.errorTypes ?? 50, warn);
  const knownErrorTypes = new Set([...BUILTIN_ERROR_TYPES, ...(options.errorTypes ?? [])]);
  return function errorType(error: unknown): string {
    if (options.classifyError !== undefined) {
      let custom: string | undefined;
      try {
        custom = options.classifyError(error);
      } catch {
        custom = undefined;
      }
      if (custom !== undefined) return customErrorTypes.admit(custom);
    }
    if (typeof error !== 'object' || error === null) return OTHER;
    const { code, name } = error as { code?: unknown; name?: unknown };
    if ((typeof code === 'string' || typeof code === 'number') && knownErrorTypes.has(String(code))) return String(code);
    if (typeof name === 'string' && knownErrorTypes.has(name)) return name;
    return OTHER;
  };
}
