// obsctl/metrics: instrument a Node service with the metrics obsctl's App dashboard and `app` alert
// pack read. Every name, label and bucket comes from ./names.ts (the one definition the dashboard,
// the alert pack and this helper share); label values are bounded (./labels.ts) so that no caller
// mistake (a raw URL as route, an error message as error type) can grow the number of series
// without end. This module composes the parts: instruments, HTTP middleware, jobs.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { requestRecorder, metricsHandlerFor, middleware } from './http.js';
import { createInstruments, type InFlight } from './instruments.js';
import { jobRecorder } from './jobs.js';
import { BoundedLabel, checkDefaultLabels, errorTypeClassifier } from './labels.js';
import { appMetrics } from './names.js';
import type { AppMetrics, CreateMetricsOptions } from './types.js';

export { appMetrics, durationBuckets, exposedAppMetricNames } from './names.js';
export { pathnameOf, routeMatcher, type RouteMatcher } from './routes.js';
export { BUILTIN_ERROR_TYPES, OTHER } from './labels.js';
export { CLIENT_CLOSED_STATUS } from './http.js';
export type { AppMetrics, CreateMetricsOptions, EndRequest, InstrumentOptions, LabelLimits, RequestHandler } from './types.js';

function defaultWarn(message: string): void {
  process.emitWarning(message, { code: 'OBSCTL_METRICS' });
}

/** Creates the app metrics in a registry (a new one unless given). Once per registry. */
export function createMetrics(options: CreateMetricsOptions): AppMetrics {
  const registry = options.registry ?? new Registry();
  const warn = options.onWarning ?? defaultWarn;
  const limits = options.limits ?? {};

  for (const m of Object.values(appMetrics)) {
    if (registry.getSingleMetric(m.name) !== undefined)
      throw new Error(`obsctl/metrics: the registry already has ${m.name}; call createMetrics once per registry`);
  }
  if (options.defaultLabels !== undefined) {
    checkDefaultLabels(options.defaultLabels);
    registry.setDefaultLabels(options.defaultLabels);
  }
  // Default metrics once per registry (a second collectDefaultMetrics into it would throw).
  if (options.collectDefaultMetrics !== false && registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectDefaultMetrics({ register: registry });
  }

  // In-flight requests are counted here and copied into the gauge when it is collected (a scrape):
  // a Map update per request instead of four label lookups in prom-client.
  const inFlight: InFlight = new Map();
  const instruments = createInstruments(registry, inFlight);
  instruments.buildInfo.set({ version: options.serviceVersion || 'unknown', commit: options.commit || 'unknown' }, 1);

  const errorType = errorTypeClassifier(options, warn);
  const { observeRequest, startRequest } = requestRecorder(instruments, inFlight, new BoundedLabel('route', limits.routes ?? 100, warn));
  const { trackJob, setQueueDepth } = jobRecorder(instruments, new BoundedLabel('job kind', limits.kinds ?? 50, warn), new BoundedLabel('queue', limits.queues ?? 50, warn), errorType);
  const metricsHandler = metricsHandlerFor(registry);
  const instrument = middleware(startRequest, metricsHandler);
  return { registry, instruments, instrument, startRequest, observeRequest, trackJob, setQueueDepth, errorType, metricsHandler };
}
