// Redis (redis_exporter): up, memory against maxmemory, clients against maxclients, commands,
// hit ratio, evictions and rejected connections.
import { UNITS, datasourceVariable, finish, queryVariable, ratioThresholds, redFrom, row, sel, statPanel, timeseriesPanel, type DashboardFile } from '../shared.js';

export const REDIS_UID = 'obsctl-redis';

export function redisDashboard(uid: string): DashboardFile {
  const I = `{${sel('instance')}}`;
  const rate = (m: string) => `sum by (instance) (rate(${m}${I}[$__rate_interval]))`;
  return finish({
    uid: REDIS_UID,
    title: 'obsctl / Redis',
    description: 'Redis through redis_exporter: availability, memory and clients against their limits, commands, hit ratio, evictions, rejected connections.',
    variables: [datasourceVariable(uid), queryVariable(uid, 'instance', 'Exporter', 'label_values(redis_up, instance)')],
    items: [
      statPanel(uid, 'Up', [{ expr: `min(redis_up${I})` }], { unit: UNITS.none, thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }], graph: false }),
      statPanel(uid, 'Memory used', [{ expr: `sum(redis_memory_used_bytes${I})` }], { unit: UNITS.bytes }),
      statPanel(uid, 'Of maxmemory', [{ expr: `sum(redis_memory_used_bytes${I}) / sum(redis_memory_max_bytes${I} > 0)` }], {
        unit: UNITS.percentunit,
        thresholds: ratioThresholds(0.8, 0.9),
        noValue: 'no maxmemory',
      }),
      statPanel(uid, 'Clients', [{ expr: `sum(redis_connected_clients${I})` }], { unit: UNITS.short }),
      statPanel(uid, 'Commands', [{ expr: rate('redis_commands_processed_total') }], { unit: UNITS.ops }),
      statPanel(uid, 'Rejected connections in range', [{ expr: `sum(increase(redis_rejected_connections_total${I}[$__range]))`, instant: true }], {
        unit: UNITS.short,
        graph: false,
        thresholds: redFrom(1),
      }),
      row('Load'),
      timeseriesPanel(uid, 'Commands per second', [{ expr: rate('redis_commands_processed_total'), legend: '{{instance}}' }], { unit: UNITS.ops, min: 0 }),
      timeseriesPanel(uid, 'Keyspace hit ratio', [{
        expr: `${rate('redis_keyspace_hits_total')} / (${rate('redis_keyspace_hits_total')} + ${rate('redis_keyspace_misses_total')})`,
        legend: '{{instance}}',
      }], { unit: UNITS.percentunit, min: 0, max: 1 }),
      timeseriesPanel(uid, 'Memory', [
        { expr: `sum by (instance) (redis_memory_used_bytes${I})`, legend: '{{instance}} used' },
        { expr: `sum by (instance) (redis_memory_max_bytes${I} > 0)`, legend: '{{instance}} maxmemory' },
      ], { unit: UNITS.bytes, min: 0 }),
      timeseriesPanel(uid, 'Clients', [
        { expr: `sum by (instance) (redis_connected_clients${I})`, legend: '{{instance}} connected' },
        { expr: `sum by (instance) (redis_blocked_clients${I})`, legend: '{{instance}} blocked' },
      ], { unit: UNITS.short, min: 0 }),
      row('Pressure'),
      timeseriesPanel(uid, 'Evicted keys', [{ expr: rate('redis_evicted_keys_total'), legend: '{{instance}}' }], { unit: UNITS.ops, min: 0, w: 8 }),
      timeseriesPanel(uid, 'Expired keys', [{ expr: rate('redis_expired_keys_total'), legend: '{{instance}}' }], { unit: UNITS.ops, min: 0, w: 8 }),
      timeseriesPanel(uid, 'Rejected connections', [{ expr: rate('redis_rejected_connections_total'), legend: '{{instance}}' }], { unit: UNITS.ops, min: 0, w: 8 }),
    ],
  });
}
