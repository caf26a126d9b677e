// PostgreSQL (prometheus-postgres-exporter): up, connections against max_connections, transactions,
// deadlocks, the oldest open transaction, replication lag, database sizes.
import { UNITS, datasourceVariable, finish, queryVariable, ratioThresholds, redFrom, row, sel, statPanel, timeseriesPanel, type DashboardFile } from '../shared.js';

export const POSTGRES_UID = 'obsctl-postgres';

export function postgresDashboard(uid: string): DashboardFile {
  const I = `{${sel('instance')}}`;
  const rate = (m: string, by: string) => `sum by (${by}) (rate(${m}${I}[$__rate_interval]))`;
  return finish({
    uid: POSTGRES_UID,
    title: 'obsctl / PostgreSQL',
    description: 'PostgreSQL through prometheus-postgres-exporter: availability, connections, transactions, deadlocks, long transactions, replication lag and sizes.',
    variables: [datasourceVariable(uid), queryVariable(uid, 'instance', 'Exporter', 'label_values(pg_up, instance)')],
    items: [
      statPanel(uid, 'Up', [{ expr: `min(pg_up${I})` }], { unit: UNITS.none, thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }], graph: false }),
      statPanel(uid, 'Connections used', [{ expr: `sum(pg_stat_activity_count${I}) / max(pg_settings_max_connections${I})` }], {
        unit: UNITS.percentunit,
        thresholds: ratioThresholds(0.7, 0.8),
      }),
      statPanel(uid, 'Commits', [{ expr: rate('pg_stat_database_xact_commit', 'instance') }], { unit: UNITS.ops }),
      statPanel(uid, 'Rollbacks', [{ expr: rate('pg_stat_database_xact_rollback', 'instance') }], { unit: UNITS.ops }),
      statPanel(uid, 'Deadlocks in range', [{ expr: `sum(increase(pg_stat_database_deadlocks${I}[$__range]))`, instant: true }], {
        unit: UNITS.short,
        graph: false,
        thresholds: redFrom(1),
      }),
      statPanel(uid, 'Oldest transaction', [{ expr: `max(pg_stat_activity_max_tx_duration${I})` }], { unit: UNITS.seconds }),
      row('Activity'),
      timeseriesPanel(uid, 'Connections by state', [{ expr: `sum by (state) (pg_stat_activity_count${I})`, legend: '{{state}}' }], { unit: UNITS.short, min: 0, stack: true }),
      timeseriesPanel(uid, 'Transactions by database', [
        { expr: rate('pg_stat_database_xact_commit', 'datname'), legend: '{{datname}} commit' },
        { expr: rate('pg_stat_database_xact_rollback', 'datname'), legend: '{{datname}} rollback' },
      ], { unit: UNITS.ops, min: 0 }),
      timeseriesPanel(uid, 'Rows fetched / returned', [
        { expr: rate('pg_stat_database_tup_fetched', 'datname'), legend: '{{datname}} fetched' },
        { expr: rate('pg_stat_database_tup_returned', 'datname'), legend: '{{datname}} returned' },
      ], { unit: UNITS.ops, min: 0 }),
      timeseriesPanel(uid, 'Cache hit ratio', [{
        expr: `sum by (datname) (rate(pg_stat_database_blks_hit${I}[$__rate_interval])) / (sum by (datname) (rate(pg_stat_database_blks_hit${I}[$__rate_interval])) + sum by (datname) (rate(pg_stat_database_blks_read${I}[$__rate_interval])))`,
        legend: '{{datname}}',
      }], { unit: UNITS.percentunit, min: 0, max: 1 }),
      row('Health'),
      timeseriesPanel(uid, 'Deadlocks', [{ expr: rate('pg_stat_database_deadlocks', 'datname'), legend: '{{datname}}' }], { unit: UNITS.ops, min: 0, w: 8 }),
      timeseriesPanel(uid, 'Oldest open transaction', [{ expr: `max by (state) (pg_stat_activity_max_tx_duration${I})`, legend: '{{state}}' }], { unit: UNITS.seconds, min: 0, w: 8 }),
      timeseriesPanel(uid, 'Replication lag (replicas)', [{ expr: `max by (instance) (pg_replication_lag_seconds${I})`, legend: '{{instance}}' }], { unit: UNITS.seconds, min: 0, w: 8, noValue: 'not a replica' }),
      timeseriesPanel(uid, 'Database size', [{ expr: `sum by (datname) (pg_database_size_bytes${I})`, legend: '{{datname}}' }], { unit: UNITS.bytes, min: 0, w: 24 }),
    ],
  });
}
