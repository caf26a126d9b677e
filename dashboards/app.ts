// App dashboard: RED (rate, errors, duration) of HTTP requests plus background jobs and queues, from
// the metrics obsctl's app helper emits (src/metrics/names.ts: the one place their names live).
import { appMetrics } from '../src/metrics/names.js';
import {
  APP_WORK_LABEL,
  REC,
  UNITS,
  datasourceVariable,
  finish,
  queryVariable,
  ratioThresholds,
  row,
  sel,
  statPanel,
  tablePanel,
  timeseriesPanel,
  type DashboardFile,
} from './shared.js';

export const APP_UID = 'obsctl-app';

const requests = appMetrics.requestsTotal.name;
const inFlight = appMetrics.requestsInFlight.name;
const jobs = appMetrics.jobsTotal.name;
const jobBuckets = `${appMetrics.jobDuration.name}_bucket`;
const queue = appMetrics.queueDepth.name;
const build = appMetrics.buildInfo.name;

/** errors / total, 0 (not "no data") while there are no errors. */
function ratio(by: string, errors: string, total: string): string {
  const agg = by === '' ? 'sum' : `sum by (${by})`;
  return `(${agg} (${errors}) or ${agg} (${total}) * 0) / ${agg} (${total})`;
}

export function appDashboard(uid: string): DashboardFile {
  const J = `{${sel('job', 'instance')}}`;
  const R = `{${sel('job', 'instance', 'route')}}`;
  const W = APP_WORK_LABEL;
  const rate = (s: string): string => `rate(${requests}${s}[$__rate_interval])`;
  const jobRate = (extra = ''): string => `rate(${jobs}{${sel('job', 'instance')}${extra}}[$__rate_interval])`;
  const quantile = (q: number, by: string): string =>
    `histogram_quantile(${q}, sum by (${by}) (${REC.httpDurationBuckets}${R}))`;

  return finish({
    uid: APP_UID,
    title: 'obsctl / App',
    description:
      'Requests (rate, error ratio, latency), in-flight requests, background jobs and queue depth of the ' +
      'services instrumented with obsctl/metrics. Request panels read the recording rules of ' +
      'alerts/recording/dashboards.rules.yml (5m windows).',
    variables: [
      datasourceVariable(uid),
      queryVariable(uid, 'job', 'Service', `label_values(${build}, job)`),
      queryVariable(uid, 'instance', 'Instance', `label_values(${build}{${sel('job')}}, instance)`),
      queryVariable(uid, 'route', 'Route', `label_values(${requests}{${sel('job', 'instance')}}, route)`),
    ],
    items: [
      statPanel(uid, 'Requests', [{ expr: `sum(${REC.httpRequests}${R})` }], { unit: UNITS.reqps }),
      statPanel(
        uid,
        'Error ratio (5xx)',
        [{ expr: `(sum(${REC.httpErrors}${R}) or vector(0)) / sum(${REC.httpRequests}${R})` }],
        { unit: UNITS.percentunit, decimals: 2, thresholds: ratioThresholds(0.01, 0.05) },
      ),
      statPanel(uid, 'Latency p95', [{ expr: quantile(0.95, 'le') }], {
        unit: UNITS.seconds,
        thresholds: ratioThresholds(1, 2),
      }),
      statPanel(uid, 'In flight', [{ expr: `sum(${inFlight}${R})` }], { unit: UNITS.short }),
      statPanel(uid, 'Jobs', [{ expr: `sum(${jobRate()})` }], { unit: UNITS.ops }),
      statPanel(uid, 'Queued', [{ expr: `sum(${queue}${J})` }], { unit: UNITS.short }),

      row('Requests'),
      timeseriesPanel(uid, 'Request rate by route', [{ expr: `sum by (job, route) (${REC.httpRequests}${R})`, legend: '{{job}} {{route}}' }], {
        unit: UNITS.reqps,
        min: 0,
        w: 12,
      }),
      timeseriesPanel(uid, 'Request rate by status', [{ expr: `sum by (status) (${rate(R)})`, legend: '{{status}}' }], {
        unit: UNITS.reqps,
        min: 0,
        stack: true,
        w: 12,
      }),
      timeseriesPanel(
        uid,
        'Error ratio by route (5xx)',
        [{ expr: ratio('job, route', `${REC.httpErrors}${R}`, `${REC.httpRequests}${R}`), legend: '{{job}} {{route}}' }],
        { unit: UNITS.percentunit, min: 0, w: 12, thresholds: ratioThresholds(0.01, 0.05), showThresholds: true },
      ),
      timeseriesPanel(uid, 'In-flight requests', [{ expr: `sum by (job, route) (${inFlight}${R})`, legend: '{{job}} {{route}}' }], {
        unit: UNITS.short,
        min: 0,
        w: 12,
      }),

      row('Latency'),
      timeseriesPanel(
        uid,
        'Latency',
        [
          { expr: quantile(0.95, 'job, le'), legend: '{{job}} p95' },
          { expr: quantile(0.5, 'job, le'), legend: '{{job}} p50' },
        ],
        { unit: UNITS.seconds, min: 0, w: 12 },
      ),
      timeseriesPanel(
        uid,
        'Latency p95 by route',
        [
          {
            expr: `${REC.httpDurationQuantile}{quantile="0.95",${sel('job', 'route')}}`,
            legend: '{{job}} {{route}}',
          },
        ],
        { unit: UNITS.seconds, min: 0, w: 12, description: 'Over all instances of the service (recorded per job and route).' },
      ),

      row('Jobs and queues'),
      timeseriesPanel(
        uid,
        'Jobs by outcome',
        [{ expr: `sum by (${W}, outcome) (${jobRate()})`, legend: `{{${W}}} {{outcome}}` }],
        { unit: UNITS.ops, min: 0, stack: true, w: 12 },
      ),
      timeseriesPanel(
        uid,
        'Job failure ratio',
        [{ expr: ratio(W, jobRate(',outcome="failure"'), jobRate()), legend: `{{${W}}}` }],
        { unit: UNITS.percentunit, min: 0, w: 12, thresholds: ratioThresholds(0.01, 0.05) },
      ),
      timeseriesPanel(
        uid,
        'Job failures by error type',
        [{ expr: `sum by (${W}, error_type) (${jobRate(',outcome="failure"')})`, legend: `{{${W}}} {{error_type}}` }],
        { unit: UNITS.ops, min: 0, w: 12 },
      ),
      timeseriesPanel(
        uid,
        'Job duration',
        [
          {
            expr: `histogram_quantile(0.95, sum by (${W}, le) (rate(${jobBuckets}${J}[$__rate_interval])))`,
            legend: `{{${W}}} p95`,
          },
          {
            expr: `histogram_quantile(0.5, sum by (${W}, le) (rate(${jobBuckets}${J}[$__rate_interval])))`,
            legend: `{{${W}}} p50`,
          },
        ],
        { unit: UNITS.seconds, min: 0, w: 12 },
      ),
      timeseriesPanel(uid, 'Queue depth', [{ expr: `sum by (queue) (${queue}${J})`, legend: '{{queue}}' }], {
        unit: UNITS.short,
        min: 0,
        w: 12,
      }),
      tablePanel(uid, 'Versions', [{ expr: `count by (job, instance, version, commit) (${build}${J})` }], {
        unit: UNITS.none,
        w: 12,
        hide: ['Value'],
        columns: [
          ['job', 'Service'],
          ['instance', 'Instance'],
          ['version', 'Version'],
          ['commit', 'Commit'],
        ],
      }),
    ],
  });
}
