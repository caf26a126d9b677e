// SLOs: per SLO its objective, the SLI now, the error budget left over the period, the burn rate
// over every workbook window, and its alerts that fire. Built from the SLOs in obsctl.yaml (their
// windows depend on the period), reading the recording rules of src/slo/rules.ts.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { rec } from '../src/slo/rules.js';
import { NO_THRESHOLDS, UNITS, datasourceVariable, finish, row, statPanel, tablePanel, timeseriesPanel, type DashboardFile, type DashboardSpec } from './shared.js';

export const SLO_UID = 'obsctl-slo';

/** What the dashboard needs to know of one SLO (see sloPlan in src/slo/rules.ts). */
export interface SloPanelSpec {
  name: string;
  objective: number;
  period: string;
  /** recorded windows, shortest first, the period last */
  windows: string[];
}

const BUDGET_THRESHOLDS: dashboard.Threshold[] = [
  { value: null, color: 'red' },
  { value: 0, color: 'orange' },
  { value: 0.25, color: 'green' },
];

function sloRows(uid: string, s: SloPanelSpec): DashboardSpec['items'] {
  const at = `{slo="${s.name}"}`;
  const shortest = s.windows[0]!;
  const burnWindows = s.windows.filter((w) => w !== s.period);
  return [
    row(`${s.name}: ${s.objective} % over ${s.period}`),
    statPanel(uid, 'Objective', [{ expr: `${rec.objective}${at}` }], { unit: UNITS.percentunit, decimals: 2, graph: false, w: 6, thresholds: NO_THRESHOLDS }),
    statPanel(uid, `SLI now (${shortest})`, [{ expr: `1 - ${rec.errorRatio(shortest)}${at}` }], { unit: UNITS.percentunit, decimals: 2, w: 6, thresholds: [{ value: null, color: 'red' }, { value: s.objective / 100, color: 'green' }] }),
    statPanel(uid, `Error budget left (${s.period})`, [{ expr: `${rec.budgetRemaining}${at}` }], { unit: UNITS.percentunit, decimals: 1, w: 6, thresholds: BUDGET_THRESHOLDS }),
    statPanel(uid, 'Burn-rate alerts firing', [{ expr: `count(ALERTS${at.replace('}', ',alertstate="firing"}')}) or vector(0)` }], { unit: UNITS.short, graph: false, w: 6, thresholds: [{ value: null, color: 'green' }, { value: 1, color: 'red' }] }),
    timeseriesPanel(uid, 'Error budget left over the period', [{ expr: `${rec.budgetRemaining}${at}`, legend: s.name }], { unit: UNITS.percentunit, max: 1, w: 12, thresholds: BUDGET_THRESHOLDS, showThresholds: true }),
    timeseriesPanel(uid, 'Burn rate per window (1 = spending exactly the budget)', burnWindows.map((w) => ({ expr: `${rec.burnRate(w)}${at}`, legend: w })), { unit: UNITS.short, min: 0, w: 12 }),
    tablePanel(uid, 'Alerts firing', [{ expr: `max by (alertname, window, severity) (ALERTS${at.replace('}', ',alertstate="firing"}')})` }], {
      unit: UNITS.none,
      h: 5,
      hide: ['Value'],
      columns: [
        ['alertname', 'Alert'],
        ['window', 'Window (long/short)'],
        ['severity', 'Severity'],
      ],
    }),
  ];
}

export function sloDashboard(uid: string, slos: SloPanelSpec[]): DashboardFile {
  return finish({
    uid: SLO_UID,
    title: 'obsctl / SLOs',
    description: 'Service level objectives from obsctl.yaml: SLI, error budget, burn rates (SRE workbook windows), alerts. docs/slo.md',
    variables: [datasourceVariable(uid)],
    items: slos.flatMap((s) => sloRows(uid, s)),
  });
}
