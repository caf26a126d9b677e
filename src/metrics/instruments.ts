// The prom-client instruments of the app metrics, named, labelled and bucketed from ./names.ts.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { appMetrics, durationBuckets } from './names.js';

/** Requests in flight, counted per method and route; copied into the gauge at each scrape. */
export type InFlight = Map<string, { method: string; route: string; n: number }>;

export function createInstruments(registry: Registry, inFlight: InFlight) {
  const registers = [registry];
  const buckets = [...durationBuckets];
  const instruments = {
    requestsTotal: new Counter({
      name: appMetrics.requestsTotal.name,
      help: 'HTTP requests by method, route template and status code.',
      labelNames: appMetrics.requestsTotal.labels,
      registers,
    }),
    requestDuration: new Histogram({
      name: appMetrics.requestDuration.name,
      help: 'HTTP request duration in seconds, by method, route template and status code.',
      labelNames: appMetrics.requestDuration.labels,
      buckets,
      registers,
    }),
    requestsInFlight: new Gauge({
      name: appMetrics.requestsInFlight.name,
      help: 'HTTP requests being served, by method and route template.',
      labelNames: appMetrics.requestsInFlight.labels,
      registers,
      collect() {
        for (const { method, route, n } of inFlight.values()) this.set({ method, route }, n);
      },
    }),
    jobsTotal: new Counter({
      name: appMetrics.jobsTotal.name,
      help: "Finished jobs by kind of work, outcome (success|failure) and error type ('' on success).",
      labelNames: appMetrics.jobsTotal.labels,
      registers,
    }),
    jobDuration: new Histogram({
      name: appMetrics.jobDuration.name,
      help: 'Job duration in seconds, by kind of work and outcome.',
      labelNames: appMetrics.jobDuration.labels,
      buckets,
      registers,
    }),
    queueDepth: new Gauge({
      name: appMetrics.queueDepth.name,
      help: 'Items waiting in a queue.',
      labelNames: appMetrics.queueDepth.labels,
      registers,
    }),
    buildInfo: new Gauge({
      name: appMetrics.buildInfo.name,
      help: 'Always 1; labels: version and commit of the running build.',
      labelNames: appMetrics.buildInfo.labels,
      registers,
    }),
  } as const;
  return instruments;
}

export type Instruments = ReturnType<typeof createInstruments>;
