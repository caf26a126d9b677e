// Common bits of obsctl's dashboards: the datasource reference, variables, units, panel helpers and
// the final conversion to plain JSON. Everything here is pure: no clock, no randomness, no I/O.
import { appMetrics } from '../src/metrics/names.js';
import type { GpuCapabilities } from '../src/render/capabilities.js';
import * as text from '@grafana/grafana-foundation-sdk/text';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as units from '@grafana/grafana-foundation-sdk/units';

export type Profile = 'none' | 'nvidia' | 'gb10';

export interface BuildOptions {
  profile: Profile;
  /** uid of the provisioned Prometheus datasource (design.md: `obsctl-prometheus`). */
  datasourceUid: string;
  /** What the GPU(s) really report; default: the profile's expected counters. */
  gpu?: GpuCapabilities;
  /** SLOs from obsctl.yaml: an SLO dashboard, linked from the Overview, when there are any */
  slos?: import('./slo.js').SloPanelSpec[];
  /** `anomalies:` configured: AnomalyDetected as annotations on the App and GPU dashboards */
  anomalies?: boolean;
}

export interface DashboardFile {
  uid: string;
  title: string;
  /** `<uid>.json`: the renderer writes `json` to grafana/dashboards/<fileName>. */
  fileName: string;
  json: Record<string, unknown>;
}

export const UNITS = {
  celsius: units.Celsius,
  watt: units.Watt,
  percent: units.Percent,
  percentunit: units.PercentUnit,
  bytes: units.BytesIEC,
  bytesPerSecond: units.BytesPerSecondIEC,
  seconds: units.Seconds,
  reqps: units.RequestsPerSecond,
  ops: units.OpsPerSecond,
  hertz: units.Hertz,
  kwh: units.KiloWattHour,
  short: units.Short,
  none: units.NoUnit,
} as const;

/** NVIDIA's sample dashboard (grafana.com 12239) colours GPU temperature at 83 and 87 °C. */
export const GPU_TEMP_WARNING_CELSIUS = 83;
export const GPU_TEMP_CRITICAL_CELSIUS = 87;

/** 1 MiB: DCGM reports FB_* in MiB. */
export const MIB = 1048576;

/**
 * The label for the kind of work on app_jobs_total and app_job_duration_seconds. It is not
 * `job`: Prometheus owns that one (the scrape job) and would rename the app's to `exported_job`.
 */
export const APP_WORK_LABEL = appMetrics.jobsTotal.labels[0];

/** Recording rules (alerts/recording/dashboards.rules.yml) the dashboards read. */
export const REC = {
  cpuUtilisation: 'instance:node_cpu_utilisation:rate5m',
  numCpu: 'instance:node_num_cpu:sum',
  load1PerCpu: 'instance:node_load1_per_cpu:ratio',
  httpRequests: 'instance_route:http_requests:rate5m',
  httpErrors: 'instance_route:http_requests_errors:rate5m',
  httpDurationBuckets: 'instance_route:http_request_duration_seconds_bucket:rate5m',
  httpDurationQuantile: 'job_route:http_request_duration_seconds:histogram_quantile',
} as const;

export const dsRef = (uid: string): { type: string; uid: string } => ({ type: 'prometheus', uid });

// ---------------------------------------------------------------------------------------------
// Variables

/**
 * The datasource variable. Panels and queries do not follow it: they name the fixed uid, so that a
 * provisioned dashboard never depends on the variable's resolution. It is hidden and only
 * documents which datasource the dashboard was built for.
 */
export function datasourceVariable(uid: string): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .current({ text: uid, value: uid })
    .hide(dashboard.VariableHide.HideVariable);
}

/** A multi-value query variable with an All option (`.*`), refreshed on time range change. */
export function queryVariable(
  uid: string,
  name: string,
  label: string,
  query: string,
): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(dsRef(uid))
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

// ---------------------------------------------------------------------------------------------
// Queries and panels

export interface Query {
  expr: string;
  legend?: string;
  /** instant query (stat, gauge, table); default: range */
  instant?: boolean;
  /** table format (one row per series, labels as columns) */
  table?: boolean;
}

function targets(uid: string, queries: Query[]): prometheus.DataqueryBuilder[] {
  return queries.map((q, i) => {
    const b = new prometheus.DataqueryBuilder()
      .datasource(dsRef(uid))
      .refId(String.fromCharCode(65 + i))
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto');
    if (q.instant) b.instant();
    else b.range();
    if (q.table) b.format(prometheus.PromQueryFormat.Table);
    return b;
  });
}

export interface PanelOpts {
  unit: string;
  description?: string;
  w?: number;
  h?: number;
  min?: number;
  max?: number;
  decimals?: number;
  thresholds?: dashboard.Threshold[];
  noValue?: string;
}

/** A single green step: no colour change. Without it Grafana adds red at 80 on import. */
export const NO_THRESHOLDS: dashboard.Threshold[] = [{ value: null, color: 'green' }];

export const TEMP_THRESHOLDS: dashboard.Threshold[] = [
  { value: null, color: 'green' },
  { value: GPU_TEMP_WARNING_CELSIUS, color: 'orange' },
  { value: GPU_TEMP_CRITICAL_CELSIUS, color: 'red' },
];

/** Red from `red` on (counts of bad things). */
export function redFrom(red: number): dashboard.Threshold[] {
  return [
    { value: null, color: 'green' },
    { value: red, color: 'red' },
  ];
}

export function ratioThresholds(warning: number, critical: number): dashboard.Threshold[] {
  return [
    { value: null, color: 'green' },
    { value: warning, color: 'orange' },
    { value: critical, color: 'red' },
  ];
}

function thresholdsOf(steps: dashboard.Threshold[] | undefined): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps((steps ?? NO_THRESHOLDS).map((s) => ({ ...s })));
}

interface CommonPanel<T> {
  title(t: string): T;
  description(d: string): T;
  datasource(d: { type: string; uid: string }): T;
  unit(u: string): T;
  height(h: number): T;
  span(w: number): T;
  min(n: number): T;
  max(n: number): T;
  decimals(n: number): T;
  noValue(s: string): T;
  thresholds(t: cog.Builder<dashboard.ThresholdsConfig>): T;
  targets(t: cog.Builder<cog.Dataquery>[]): T;
}

function applyCommon<T extends CommonPanel<T>>(p: T, uid: string, title: string, queries: Query[], o: PanelOpts): T {
  p.title(title)
    .datasource(dsRef(uid))
    .unit(o.unit)
    .height(o.h ?? 8)
    .span(o.w ?? 12)
    .thresholds(thresholdsOf(o.thresholds))
    .targets(targets(uid, queries));
  if (o.description !== undefined) p.description(o.description);
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  if (o.decimals !== undefined) p.decimals(o.decimals);
  if (o.noValue !== undefined) p.noValue(o.noValue);
  return p;
}

export interface TimeseriesOpts extends PanelOpts {
  /** draw the thresholds as dashed lines (temperature) */
  showThresholds?: boolean;
  stack?: boolean;
}

export function timeseriesPanel(uid: string, title: string, queries: Query[], o: TimeseriesOpts): timeseries.PanelBuilder {
  const p = applyCommon(new timeseries.PanelBuilder(), uid, title, queries, o)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .calcs([]),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (o.showThresholds) {
    p.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  }
  if (o.stack) {
    p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal).group('A'));
  }
  return p;
}

function lastValue(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields('');
}

export interface StatOpts extends PanelOpts {
  /** sparkline under the value; default true */
  graph?: boolean;
}

export function statPanel(uid: string, title: string, queries: Query[], o: StatOpts): stat.PanelBuilder {
  return applyCommon(new stat.PanelBuilder(), uid, title, queries, { h: 4, w: 4, ...o })
    .reduceOptions(lastValue())
    .graphMode(o.graph === false ? common.BigValueGraphMode.None : common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .textMode(common.BigValueTextMode.Auto);
}

export function gaugePanel(uid: string, title: string, queries: Query[], o: PanelOpts): gauge.PanelBuilder {
  return applyCommon(new gauge.PanelBuilder(), uid, title, queries, { h: 8, w: 6, ...o })
    .reduceOptions(lastValue())
    .showThresholdMarkers(true)
    .showThresholdLabels(false);
}

export interface TableOpts extends PanelOpts {
  /** merge the instant queries into one row per label set (columns renamed with `columns`) */
  merge?: boolean;
  /**
   * rename and order columns: [field name, header]; `Time` is always hidden. Field overrides must
   * then match the header: Grafana matches them by display name, after the transformations.
   */
  columns?: Array<[string, string]>;
  /** fields to hide besides `Time` (e.g. `Value` of a count() used only for its labels) */
  hide?: string[];
}

export function tablePanel(uid: string, title: string, queries: Query[], o: TableOpts): table.PanelBuilder {
  const p = applyCommon(
    new table.PanelBuilder(),
    uid,
    title,
    queries.map((q) => ({ ...q, instant: true, table: true })),
    { w: 24, ...o },
  )
    .cellHeight(common.TableCellHeight.Sm)
    .showHeader(true);
  if (o.merge) p.withTransformation({ id: 'merge', options: {} });
  const excludeByName: Record<string, boolean> = { Time: true };
  for (const f of o.hide ?? []) excludeByName[f] = true;
  if (o.columns) {
    const renameByName: Record<string, string> = {};
    const indexByName: Record<string, number> = {};
    o.columns.forEach(([field, header], i) => {
      renameByName[field] = header;
      indexByName[field] = i;
    });
    p.withTransformation({
      id: 'organize',
      options: { excludeByName, indexByName, renameByName },
    });
  } else {
    p.withTransformation({ id: 'organize', options: { excludeByName } });
  }
  return p;
}

/** A Markdown note (what this GPU does not report, and why). */
export function textPanel(title: string, markdown: string, o: { w?: number; h?: number } = {}): text.PanelBuilder {
  return new text.PanelBuilder().title(title).mode(text.TextMode.Markdown).content(markdown).span(o.w ?? 24).height(o.h ?? 4);
}

/**
 * GPUs counted from the gpu/UUID labels of the DCGM fields this GPU reports (up to three, joined
 * with `or`, so one field missing on some host of a fleet does not hide its GPUs), never from a
 * fixed optional field such as GPU_TEMP. `selector` is the `{...}` to apply to each.
 */
export function gpuCount(fields: string[], selector: string): string {
  const prefer = ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_SM_CLOCK', 'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_POWER_USAGE'];
  const chosen = [...prefer.filter((f) => fields.includes(f)), ...fields.filter((f) => !prefer.includes(f))].slice(0, 3);
  return `count(count by (host, instance, gpu, UUID) (${chosen.map((f) => `${f}${selector}`).join(' or ')}))`;
}

/** Widths for n panels on one line that fill the 24 columns exactly (the first ones get the rest). */
export function fill(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(24 / n) + (i < 24 % n ? 1 : 0));
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title).collapsed(false);
}

// ---------------------------------------------------------------------------------------------
// Dashboard

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: cog.Builder<dashboard.VariableModel>[];
  /** panels and rows in display order; the SDK lays them out left to right, top to bottom */
  items: Array<cog.Builder<dashboard.Panel> | dashboard.RowBuilder>;
  /** links to other dashboards, shown at the top */
  links?: Array<{ title: string; uid: string }>;
}

export const TAGS = ['obsctl'] as const;

/** Builds the dashboard and turns it into plain, deterministic JSON with stable panel ids. */
export function finish(spec: DashboardSpec): DashboardFile {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...TAGS])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .editable()
    .variables(spec.variables);
  for (const l of spec.links ?? []) {
    b.link(new dashboard.DashboardLinkBuilder(l.title).type(dashboard.DashboardLinkType.Link).url(`/d/${l.uid}`).icon('dashboard').keepTime(true));
  }
  for (const item of spec.items) {
    if (item instanceof dashboard.RowBuilder) b.withRow(item);
    else b.withPanel(item);
  }
  // JSON round trip: drops the SDK's function-valued marker fields and undefined values.
  const json = JSON.parse(JSON.stringify(b.build())) as Record<string, unknown>;
  let id = 0;
  const number = (panels: unknown): void => {
    if (!Array.isArray(panels)) return;
    for (const p of panels as Array<Record<string, unknown>>) {
      p.id = ++id;
      // The SDK places a panel at the running x even when it does not fit: widths on one line must
      // add up to 24 or less, else the panel sticks out of the grid.
      const pos = p.gridPos as { x: number; w: number } | undefined;
      if (pos && pos.x + pos.w > 24) throw new Error(`${spec.uid}: panel "${String(p.title)}" overflows the 24-column grid`);
      number(p.panels);
    }
  };
  number(json.panels);
  return { uid: spec.uid, title: spec.title, fileName: `${spec.uid}.json`, json };
}

/** `{host=~"$host",instance=~"$instance"}`-style selector body from variable names. */
export function sel(...vars: string[]): string {
  return vars.map((v) => `${v}=~"$${v}"`).join(',');
}
