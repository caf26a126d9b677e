// Overview: one screen with every host, its CPU, memory and (GPU profiles) GPU state, and the
// alerts that fire. The detail lives in the Host, GPU, App and Stack dashboards.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { GpuCapabilities } from '../src/render/capabilities.js';
import {
  REC,
  TEMP_THRESHOLDS,
  UNITS,
  datasourceVariable,
  fill,
  finish,
  gpuCount,
  queryVariable,
  ratioThresholds,
  redFrom,
  row,
  sel,
  statPanel,
  tablePanel,
  timeseriesPanel,
  type DashboardFile,
  type DashboardSpec,
  type Profile,
  type Query,
  type TimeseriesOpts,
} from './shared.js';

export const OVERVIEW_UID = 'obsctl-overview';

interface Column {
  header: string;
  expr: string;
  unit: string;
  thresholds?: dashboard.Threshold[];
  gauge?: boolean;
}

export function overviewDashboard(uid: string, profile: Profile, caps?: GpuCapabilities, links: Array<{ title: string; uid: string }> = []): DashboardFile {
  const gpu = profile !== 'none' && caps !== undefined;
  // GPU columns and panels only for fields the GPU reports (GpuCapabilities).
  const has = (...fields: string[]) => gpu && fields.every((f) => caps.fields.includes(f));
  const H = `{${sel('host')}}`;
  const HI = `{${sel('host', 'instance')}}`;
  const memUsed = `1 - node_memory_MemAvailable_bytes${H} / node_memory_MemTotal_bytes${H}`;

  const columns: Column[] = [
    { header: 'Targets up', expr: `min by (host) (up${HI})`, unit: UNITS.none, thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }] },
    { header: 'CPU', expr: `max by (host) (${REC.cpuUtilisation}${H})`, unit: UNITS.percentunit, thresholds: ratioThresholds(0.8, 0.95), gauge: true },
    {
      header: profile === 'gb10' ? 'Memory (unified)' : 'Memory',
      expr: `max by (host) (${memUsed})`,
      unit: UNITS.percentunit,
      thresholds: ratioThresholds(0.85, 0.95),
      gauge: true,
    },
    { header: 'Load / CPU', expr: `max by (host) (${REC.load1PerCpu}${H})`, unit: UNITS.short, thresholds: ratioThresholds(1, 2) },
  ];
  if (has('DCGM_FI_DEV_GPU_UTIL')) columns.push({ header: 'GPU util', expr: `avg by (host) (DCGM_FI_DEV_GPU_UTIL${H})`, unit: UNITS.percent });
  if (has('DCGM_FI_DEV_GPU_TEMP')) columns.push({ header: 'GPU temp (max)', expr: `max by (host) (DCGM_FI_DEV_GPU_TEMP${H})`, unit: UNITS.celsius, thresholds: TEMP_THRESHOLDS });
  if (has('DCGM_FI_DEV_POWER_USAGE')) columns.push({ header: 'GPU power', expr: `sum by (host) (DCGM_FI_DEV_POWER_USAGE${H})`, unit: UNITS.watt });
  if (has('DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE')) {
    columns.push({
      header: 'GPU memory',
      expr: `max by (host) (DCGM_FI_DEV_FB_USED${H} / (DCGM_FI_DEV_FB_USED${H} + DCGM_FI_DEV_FB_FREE${H}))`,
      unit: UNITS.percentunit,
      thresholds: ratioThresholds(0.85, 0.95),
      gauge: true,
    });
  }
  const valueField = (i: number): string => `Value #${String.fromCharCode(65 + i)}`;
  let hosts = tablePanel(
    uid,
    'Hosts',
    columns.map((c): Query => ({ expr: c.expr })),
    {
      unit: UNITS.none,
      h: 8,
      merge: true,
      columns: [['host', 'Host'], ...columns.map((c, i): [string, string] => [valueField(i), c.header])],
    },
  );
  columns.forEach((c, i) => {
    const props: dashboard.DynamicConfigValue[] = [{ id: 'unit', value: c.unit }];
    if (c.thresholds) {
      props.push({ id: 'thresholds', value: { mode: 'absolute', steps: c.thresholds } });
      props.push({ id: 'custom.cellOptions', value: c.gauge ? { type: 'gauge', mode: 'basic' } : { type: 'color-text' } });
    }
    if (c.gauge) props.push({ id: 'max', value: 1 }, { id: 'min', value: 0 });
    // Overrides match the display name, i.e. after the organize transformation renamed the column.
    hosts = hosts.overrideByName(c.header, props);
  });

  const gpuSeries: Array<[string, string, TimeseriesOpts]> = [
    ['DCGM_FI_DEV_GPU_UTIL', 'GPU utilisation', { unit: UNITS.percent, min: 0, max: 100 }],
    ['DCGM_FI_DEV_GPU_TEMP', 'GPU temperature', { unit: UNITS.celsius, thresholds: TEMP_THRESHOLDS, showThresholds: true }],
    ['DCGM_FI_DEV_POWER_USAGE', 'GPU power', { unit: UNITS.watt, min: 0 }],
  ];
  const shown = gpuSeries.filter(([field]) => has(field));
  const gpuPanels: DashboardSpec['items'] = shown.length
    ? [
        row('GPUs'),
        ...shown.map(([field, title, o]) =>
          timeseriesPanel(uid, title, [{ expr: `${field}${H}`, legend: '{{host}} GPU {{gpu}}' }], { ...o, w: 24 / shown.length }),
        ),
      ]
    : [];

  const stats = [
    statPanel(uid, 'Hosts', [{ expr: `count(count by (host) (node_uname_info${H}))` }], { unit: UNITS.short, graph: false }),
    statPanel(uid, 'Targets down', [{ expr: `count(up${HI} == 0) or vector(0)` }], { unit: UNITS.short, thresholds: redFrom(1) }),
    statPanel(uid, 'Critical alerts', [{ expr: 'count(ALERTS{alertstate="firing",severity="critical"}) or vector(0)' }], {
      unit: UNITS.short,
      thresholds: redFrom(1),
    }),
    statPanel(uid, 'Warning alerts', [{ expr: 'count(ALERTS{alertstate="firing",severity="warning"}) or vector(0)' }], {
      unit: UNITS.short,
      thresholds: [
        { value: null, color: 'green' },
        { value: 1, color: 'orange' },
      ],
    }),
  ];
  if (gpu) {
    // Counted from the gpu/UUID labels of the fields this GPU reports, never from one optional field.
    stats.push(statPanel(uid, 'GPUs', [{ expr: gpuCount(caps.fields, H) }], { unit: UNITS.short, graph: false }));
  }
  if (has('DCGM_FI_DEV_GPU_TEMP')) {
    stats.push(statPanel(uid, 'Hottest GPU', [{ expr: `max(DCGM_FI_DEV_GPU_TEMP${H})` }], { unit: UNITS.celsius, thresholds: TEMP_THRESHOLDS }));
  }

  return finish({
    uid: OVERVIEW_UID,
    title: 'obsctl / Overview',
    description: `Every host at a glance (profile ${profile}).`,
    links,
    variables: [
      datasourceVariable(uid),
      queryVariable(uid, 'host', 'Host', 'label_values(up, host)'),
      queryVariable(uid, 'instance', 'Target', `label_values(up{${sel('host')}}, instance)`),
    ],
    items: [
      // One line of stats, as wide as there are stats.
      ...stats.map((b, i) => b.span(fill(stats.length)[i]!)),
      hosts,
      row('Hosts'),
      timeseriesPanel(uid, 'CPU utilisation', [{ expr: `${REC.cpuUtilisation}${H}`, legend: '{{host}}' }], {
        unit: UNITS.percentunit,
        min: 0,
        max: 1,
        w: 12,
      }),
      timeseriesPanel(
        uid,
        profile === 'gb10' ? 'Memory used (unified CPU + GPU)' : 'Memory used',
        [{ expr: memUsed, legend: '{{host}}' }],
        { unit: UNITS.percentunit, min: 0, max: 1, w: 12, thresholds: ratioThresholds(0.85, 0.95) },
      ),
      ...gpuPanels,
      tablePanel(
        uid,
        'Firing alerts',
        [{ expr: 'max by (alertname, severity, host, instance) (ALERTS{alertstate="firing"})' }],
        {
          unit: UNITS.none,
          h: 8,
          hide: ['Value'],
          columns: [
            ['alertname', 'Alert'],
            ['severity', 'Severity'],
            ['host', 'Host'],
            ['instance', 'Instance'],
          ],
        },
      ),
    ],
  });
}
