// The one definition of the metrics obsctl's app helper (obsctl/metrics) emits. The App dashboard
// and the `app` alert pack read these names, and a test checks that they agree, so the three
// cannot drift apart.

export const appMetrics = {
  /** counter; labels: method, route (a template such as /users/:id, never a raw URL), status */
  requestsTotal: { name: 'http_requests_total', type: 'counter', labels: ['method', 'route', 'status'] },
  /** histogram, seconds; labels: method, route, status */
  requestDuration: { name: 'http_request_duration_seconds', type: 'histogram', labels: ['method', 'route', 'status'] },
  /** gauge; labels: method, route */
  requestsInFlight: { name: 'http_requests_in_flight', type: 'gauge', labels: ['method', 'route'] },
  /** counter; labels: kind (kind of work, e.g. generate; not `job`, which Prometheus owns), outcome (success|failure), error_type ('' on success) */
  jobsTotal: { name: 'app_jobs_total', type: 'counter', labels: ['kind', 'outcome', 'error_type'] },
  /** histogram, seconds; labels: kind, outcome */
  jobDuration: { name: 'app_job_duration_seconds', type: 'histogram', labels: ['kind', 'outcome'] },
  /** gauge; labels: queue */
  queueDepth: { name: 'app_queue_depth', type: 'gauge', labels: ['queue'] },
  /** gauge, always 1; labels: version, commit */
  buildInfo: { name: 'app_build_info', type: 'gauge', labels: ['version', 'commit'] },
} as const;

/** Buckets that fit both fast APIs and slow GPU inference (5 ms .. 2 min). */
export const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

/** Names as they appear in Prometheus (histograms expand to _bucket/_sum/_count). */
export function exposedAppMetricNames(): string[] {
  const names: string[] = [];
  for (const m of Object.values(appMetrics)) {
    if (m.type === 'histogram') names.push(`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`);
    else names.push(m.name);
  }
  return names.sort();
}
