// The public types of obsctl/metrics (what createMetrics takes and returns).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Instruments } from './instruments.js';

/** How many distinct values a caller-chosen label may take before further ones become `other`. */
export interface LabelLimits {
  /** route (default 100) */
  routes?: number;
  /** kind of job (default 50) */
  kinds?: number;
  /** queue (default 50) */
  queues?: number;
  /** error_type values from a custom classifyError (default 50) */
  errorTypes?: number;
}

export interface CreateMetricsOptions {
  /** Registry to register into; a new one by default. */
  registry?: Registry;
  /** app_build_info{version}. */
  serviceVersion: string;
  /** app_build_info{commit}. */
  commit: string;
  /**
   * Labels added to every metric of the registry (prom-client default labels). Must not be
   * `job` or `instance` (Prometheus sets those) nor one of the app metrics' own labels.
   */
  defaultLabels?: Record<string, string>;
  /** Collect prom-client's process and Node.js metrics into the registry (default true). */
  collectDefaultMetrics?: boolean;
  /**
   * error_type values allowed besides BUILTIN_ERROR_TYPES. A failed job is labelled with its
   * error's `code` if that is allowed, else its `name` if that is allowed, else `other`.
   */
  errorTypes?: readonly string[];
  /**
   * Your own error classification (e.g. map messages to 'cuda_oom'). Its result is used as is
   * (up to limits.errorTypes distinct values); undefined falls back to code/name as above.
   */
  classifyError?: (error: unknown) => string | undefined;
  limits?: LabelLimits;
  /** Where label overflow and handler errors are reported (default: process warnings / console.error). */
  onWarning?: (message: string) => void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface InstrumentOptions {
  /** Route templates (`/users/:id`, `/static/*`); paths matching none are `other`. */
  routes?: readonly string[];
  /** Or your own resolver: return the route template, or undefined for `other`. Never the raw URL. */
  resolveRoute?: (req: IncomingMessage, pathname: string | undefined) => string | undefined | null;
  /** Path the wrapper answers with the registry's metrics, not counted as a request (default '/metrics'; false: none). */
  metricsPath?: string | false;
  /** Called when the handler throws or rejects (default: console.error). The response becomes 500. */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

/** Ends a request started with startRequest: counts and times it. Calls after the first are ignored. */
export type EndRequest = (status: number | string, route?: string) => void;

export interface AppMetrics {
  readonly registry: Registry;
  /** The prom-client metrics, for what the helpers below do not cover. */
  readonly instruments: Instruments;
  /** Wraps a node:http request handler: times and counts every request; serves metricsPath. */
  instrument(handler: RequestHandler, options: InstrumentOptions): (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Starts a request (in flight from now on) for frameworks with their own hooks. `route` must be a
   * template. The returned function ends it; pass the route again if it is only known then
   * (Express: req.baseUrl + req.route.path).
   */
  startRequest(method: string | undefined, route: string | undefined): EndRequest;
  /** Counts and times one finished request (no in-flight tracking). */
  observeRequest(method: string | undefined, route: string | undefined, status: number | string, seconds: number): void;
  /** Runs fn as one job of this kind: counts success or failure (with error_type), times it, rethrows. */
  trackJob<T>(kind: string, fn: () => T | Promise<T>): Promise<T>;
  /** app_queue_depth{queue} = depth. */
  setQueueDepth(queue: string, depth: number): void;
  /** The error_type label a failure with this error gets. */
  errorType(error: unknown): string;
  /** node:http handler answering GET/HEAD with the registry's metrics in its content type. */
  metricsHandler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
