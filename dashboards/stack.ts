// Stack dashboard: is the monitoring itself healthy? Scrapes, rule evaluation, TSDB, alerts and the
// path from Prometheus to Alertmanager to the receivers.
import {
  UNITS,
  datasourceVariable,
  finish,
  gaugePanel,
  queryVariable,
  ratioThresholds,
  redFrom,
  row,
  sel,
  statPanel,
  tablePanel,
  timeseriesPanel,
  type DashboardFile,
} from './shared.js';

export const STACK_UID = 'obsctl-stack';

/** Red below 1 (a boolean gauge that must be 1, a count that must be at least 1). */
const GREEN_FROM_1 = [
  { value: null, color: 'red' },
  { value: 1, color: 'green' },
];

export function stackDashboard(uid: string): DashboardFile {
  const P = `{${sel('instance')}}`;
  const U = `{${sel('job')}}`;
  const firing = 'ALERTS{alertstate="firing"}';
  const perSecond = (metric: string, by: string): string =>
    `sum by (${by}) (rate(${metric}${P}[$__rate_interval]))`;

  return finish({
    uid: STACK_UID,
    title: 'obsctl / Stack',
    description: 'Health of the monitoring stack: scrape targets, rule evaluation, TSDB size, firing alerts, notifications.',
    variables: [
      datasourceVariable(uid),
      queryVariable(uid, 'instance', 'Prometheus', 'label_values(prometheus_build_info, instance)'),
      queryVariable(uid, 'job', 'Scrape job', 'label_values(up, job)'),
    ],
    items: [
      statPanel(uid, 'Targets up', [{ expr: `sum(up${U})` }], { unit: UNITS.short }),
      statPanel(uid, 'Targets down', [{ expr: `count(up${U} == 0) or vector(0)` }], {
        unit: UNITS.short,
        thresholds: redFrom(1),
      }),
      statPanel(uid, 'Alerts firing', [{ expr: `count(${firing}) or vector(0)` }], {
        unit: UNITS.short,
        thresholds: redFrom(1),
      }),
      statPanel(
        uid,
        'Rule failures in range',
        [{ expr: `sum(increase(prometheus_rule_evaluation_failures_total${P}[$__range]))`, instant: true }],
        { unit: UNITS.short, graph: false, thresholds: redFrom(1) },
      ),
      statPanel(uid, 'Config reloaded OK', [{ expr: `min(prometheus_config_last_reload_successful${P})` }], {
        unit: UNITS.none,
        graph: false,
        thresholds: GREEN_FROM_1,
        description: '1 when the last configuration reload of Prometheus succeeded.',
      }),
      statPanel(uid, 'Alertmanagers', [{ expr: `sum(prometheus_notifications_alertmanagers_discovered${P})` }], {
        unit: UNITS.short,
        graph: false,
        thresholds: GREEN_FROM_1,
        description: 'Alertmanagers Prometheus sends alerts to.',
      }),

      row('Scrapes'),
      timeseriesPanel(
        uid,
        'Targets up by job',
        [
          { expr: `sum by (job) (up${U})`, legend: '{{job}} up' },
          { expr: `count by (job) (up${U})`, legend: '{{job}} total' },
        ],
        { unit: UNITS.short, min: 0, w: 8 },
      ),
      timeseriesPanel(uid, 'Scrape duration by job', [{ expr: `max by (job) (scrape_duration_seconds${U})`, legend: '{{job}}' }], {
        unit: UNITS.seconds,
        min: 0,
        w: 8,
      }),
      timeseriesPanel(uid, 'Samples per scrape by job', [{ expr: `sum by (job) (scrape_samples_scraped${U})`, legend: '{{job}}' }], {
        unit: UNITS.short,
        min: 0,
        w: 8,
      }),
      tablePanel(uid, 'Targets down', [{ expr: `up${U} == 0` }], {
        unit: UNITS.none,
        h: 6,
        hide: ['Value', '__name__'],
        columns: [
          ['job', 'Job'],
          ['instance', 'Instance'],
          ['host', 'Host'],
        ],
      }),

      row('Rules'),
      timeseriesPanel(
        uid,
        'Rule evaluation failures',
        [{ expr: perSecond('prometheus_rule_evaluation_failures_total', 'rule_group'), legend: '{{rule_group}}' }],
        { unit: UNITS.ops, min: 0, w: 8, thresholds: redFrom(0.001) },
      ),
      timeseriesPanel(
        uid,
        'Rule group duration',
        [
          { expr: `max by (rule_group) (prometheus_rule_group_last_duration_seconds${P})`, legend: '{{rule_group}}' },
        ],
        { unit: UNITS.seconds, min: 0, w: 8, description: 'Time the last evaluation of each group took; it must stay well below the interval.' },
      ),
      timeseriesPanel(
        uid,
        'Missed rule group iterations',
        [{ expr: perSecond('prometheus_rule_group_iterations_missed_total', 'rule_group'), legend: '{{rule_group}}' }],
        { unit: UNITS.ops, min: 0, w: 8, thresholds: redFrom(0.001) },
      ),

      row('Storage (TSDB)'),
      timeseriesPanel(uid, 'Head series', [{ expr: `prometheus_tsdb_head_series${P}`, legend: '{{instance}}' }], {
        unit: UNITS.short,
        min: 0,
        w: 8,
      }),
      timeseriesPanel(
        uid,
        'Block storage vs retention size',
        [
          { expr: `prometheus_tsdb_storage_blocks_bytes${P}`, legend: '{{instance}} blocks' },
          { expr: `prometheus_tsdb_retention_limit_bytes${P} > 0`, legend: '{{instance}} retention limit' },
        ],
        { unit: UNITS.bytes, min: 0, w: 8, description: 'Persisted blocks against --storage.tsdb.retention.size (prometheus.retention_size).' },
      ),
      gaugePanel(
        uid,
        'Retention size used',
        [{ expr: `prometheus_tsdb_storage_blocks_bytes${P} / (prometheus_tsdb_retention_limit_bytes${P} > 0)`, legend: '{{instance}}' }],
        { unit: UNITS.percentunit, min: 0, max: 1, w: 4, thresholds: ratioThresholds(0.8, 0.95) },
      ),
      statPanel(
        uid,
        'Oldest data',
        [{ expr: `time() - prometheus_tsdb_lowest_timestamp_seconds${P}`, legend: '{{instance}}' }],
        {
          unit: UNITS.seconds,
          w: 4,
          h: 8,
          graph: false,
          description: 'Age of the oldest sample kept; at most prometheus.retention_time once the size limit is not hit.',
        },
      ),

      row('Alerts and notifications'),
      timeseriesPanel(uid, 'Alerts firing by severity', [{ expr: `sum by (severity) (${firing})`, legend: '{{severity}}' }], {
        unit: UNITS.short,
        min: 0,
        stack: true,
        w: 12,
      }),
      tablePanel(
        uid,
        'Firing alerts',
        [{ expr: `max by (alertname, severity, host, instance, job) (${firing})` }],
        {
          unit: UNITS.none,
          w: 12,
          hide: ['Value'],
          columns: [
            ['alertname', 'Alert'],
            ['severity', 'Severity'],
            ['host', 'Host'],
            ['instance', 'Instance'],
            ['job', 'Job'],
          ],
        },
      ),
      timeseriesPanel(
        uid,
        'Notifications to Alertmanager',
        [
          { expr: perSecond('prometheus_notifications_sent_total', 'alertmanager'), legend: '{{alertmanager}} sent' },
          { expr: perSecond('prometheus_notifications_errors_total', 'alertmanager'), legend: '{{alertmanager}} errors' },
          { expr: `sum(rate(prometheus_notifications_dropped_total${P}[$__rate_interval]))`, legend: 'dropped' },
        ],
        { unit: UNITS.ops, min: 0, w: 8 },
      ),
      timeseriesPanel(
        uid,
        'Notification queue',
        [
          { expr: `prometheus_notifications_queue_length${P}`, legend: '{{instance}} queued' },
          { expr: `prometheus_notifications_queue_capacity${P}`, legend: '{{instance}} capacity' },
        ],
        { unit: UNITS.short, min: 0, w: 8 },
      ),
      timeseriesPanel(
        uid,
        'Alertmanager notifications by integration',
        [
          { expr: 'sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval]))', legend: '{{integration}} sent' },
          { expr: 'sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))', legend: '{{integration}} failed' },
        ],
        { unit: UNITS.ops, min: 0, w: 8, description: 'Alertmanager to the receivers (email, slack, webhook, pagerduty).' },
      ),
    ],
  });
}
