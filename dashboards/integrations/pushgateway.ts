// Pushgateway: what batch jobs pushed, when, and whether their last push failed.
import { UNITS, datasourceVariable, finish, queryVariable, redFrom, row, tablePanel, timeseriesPanel, statPanel, type DashboardFile } from '../shared.js';

export const PUSHGATEWAY_UID = 'obsctl-pushgateway';

export function pushgatewayDashboard(uid: string): DashboardFile {
  const J = '{job=~"$pushed_job"}';
  return finish({
    uid: PUSHGATEWAY_UID,
    title: 'obsctl / Batch jobs (Pushgateway)',
    description: 'Groups pushed to the Pushgateway by batch jobs: age of the last successful push, failed pushes. Groups stay until deleted.',
    variables: [datasourceVariable(uid), queryVariable(uid, 'pushed_job', 'Batch job', 'label_values(push_time_seconds, job)')],
    items: [
      statPanel(uid, 'Groups', [{ expr: `count(push_time_seconds${J}) or vector(0)` }], { unit: UNITS.short, w: 6 }),
      statPanel(uid, 'Oldest push', [{ expr: `time() - min(push_time_seconds${J})` }], { unit: UNITS.seconds, w: 6 }),
      statPanel(uid, 'Last push failed', [{ expr: `count(push_failure_time_seconds${J} > push_time_seconds${J}) or vector(0)` }], {
        unit: UNITS.short,
        thresholds: redFrom(1),
        w: 6,
      }),
      statPanel(uid, 'Pushgateway up', [{ expr: 'min(up{job="pushgateway"})' }], { unit: UNITS.none, thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }], graph: false, w: 6 }),
      row('Groups'),
      tablePanel(uid, 'Last push per group', [{ expr: `time() - push_time_seconds${J}` }], { unit: UNITS.seconds }),
      timeseriesPanel(uid, 'Age of last push', [{ expr: `time() - push_time_seconds${J}`, legend: '{{job}} {{instance}}' }], { unit: UNITS.seconds, min: 0, w: 24 }),
    ],
  });
}
