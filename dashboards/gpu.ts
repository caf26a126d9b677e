// GPU dashboard (GPU profiles only), from dcgm-exporter's default counters.
// Profile differences (shared/docs/gb10-dcgm.md):
// - gb10 (DGX Spark): GPU memory is the host's unified LPDDR5X, so the memory panels read
//   node-exporter (MemTotal - MemAvailable). DCGM never emits FB_USED/FB_FREE/FB_RESERVED,
//   MEM_CLOCK or any PROF_* field there, and MEM_COPY_UTIL is meaningless: none of them is queried.
// - nvidia: framebuffer used/free from DCGM (MiB), memory clock, memory copy utilisation.
// Neither profile shows Tensor Core activity: DCGM_FI_PROF_* needs profiling (SYS_ADMIN), which
// obsctl leaves off by default.
// Every panel and query is rendered only for fields the GPU reports (GpuCapabilities: the profile's
// counters until the exporter was read); what it does not report is listed in a text panel.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { GpuCapabilities } from '../src/render/capabilities.js';
import { missingFeatures } from '../src/render/gpu-features.js';
import type { Profile } from './shared.js';
import {
  MIB,
  NO_THRESHOLDS,
  TEMP_THRESHOLDS,
  UNITS,
  datasourceVariable,
  fill,
  finish,
  gaugePanel,
  gpuCount,
  queryVariable,
  ratioThresholds,
  redFrom,
  row,
  sel,
  statPanel,
  tablePanel,
  textPanel,
  timeseriesPanel,
  type DashboardFile,
  type DashboardSpec,
} from './shared.js';

export const GPU_UID = 'obsctl-gpu';

/** The field variables and the inventory table read: the first one reported of these. */
const ANCHORS = ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_SM_CLOCK', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_FB_USED'];

export function anchorField(caps: GpuCapabilities): string {
  return ANCHORS.find((f) => caps.fields.includes(f)) ?? caps.fields[0] ?? 'DCGM_FI_DEV_GPU_UTIL';
}

type Item = DashboardSpec['items'][number];
const isRow = (i: Item | undefined) => i instanceof dashboard.RowBuilder;

/** Drops rows left without panels (every field of theirs unreported). */
export function withoutEmptyRows(items: Item[]): Item[] {
  return items.filter((it, i) => !isRow(it) || (i + 1 < items.length && !isRow(items[i + 1])));
}

export function gpuDashboard(uid: string, profile: Exclude<Profile, 'none'>, caps: GpuCapabilities): DashboardFile {
  const gb10 = profile === 'gb10';
  const has = (...fields: string[]) => fields.every((f) => caps.fields.includes(f));
  const g = `{${sel('host', 'instance', 'gpu')}}`;
  const h = `{${sel('host')}}`;
  const legend = '{{host}} GPU {{gpu}}';
  const anchor = anchorField(caps);

  const memory: Item[] = has('DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE')
    ? [
        row('Memory (framebuffer)'),
        timeseriesPanel(
          uid,
          'Framebuffer memory',
          [
            { expr: `DCGM_FI_DEV_FB_USED${g} * ${MIB}`, legend: `${legend} used` },
            { expr: `DCGM_FI_DEV_FB_FREE${g} * ${MIB}`, legend: `${legend} free` },
          ],
          { unit: UNITS.bytes, min: 0, stack: true, description: 'DCGM FB_USED / FB_FREE (reported in MiB).' },
        ),
        gaugePanel(
          uid,
          'Framebuffer used',
          [{ expr: `DCGM_FI_DEV_FB_USED${g} / (DCGM_FI_DEV_FB_USED${g} + DCGM_FI_DEV_FB_FREE${g})`, legend }],
          { unit: UNITS.percentunit, min: 0, max: 1, w: 12, thresholds: ratioThresholds(0.85, 0.95) },
        ),
      ]
    : caps.unifiedMemory || gb10
      ? [
          row('Memory (unified: GPU memory is system memory on GB10)'),
          timeseriesPanel(
            uid,
            'Unified memory used',
            [
              { expr: `node_memory_MemTotal_bytes${h} - node_memory_MemAvailable_bytes${h}`, legend: '{{host}} used' },
              { expr: `node_memory_MemTotal_bytes${h}`, legend: '{{host}} total' },
            ],
            {
              unit: UNITS.bytes,
              min: 0,
              description:
                'GB10 has no separate framebuffer: CPU and GPU share the LPDDR5X memory, and DCGM reports no FB_* fields. ' +
                'Used = MemTotal - MemAvailable from node-exporter on the same host.',
            },
          ),
          gaugePanel(
            uid,
            'Unified memory used',
            [{ expr: `1 - node_memory_MemAvailable_bytes${h} / node_memory_MemTotal_bytes${h}`, legend: '{{host}}' }],
            { unit: UNITS.percentunit, min: 0, max: 1, w: 12, thresholds: ratioThresholds(0.85, 0.95) },
          ),
        ]
      : [];

  const clocks = [
    ...(has('DCGM_FI_DEV_SM_CLOCK') ? [{ expr: `DCGM_FI_DEV_SM_CLOCK${g} * 1000000`, legend: `${legend} SM` }] : []),
    ...(has('DCGM_FI_DEV_MEM_CLOCK') && !gb10 ? [{ expr: `DCGM_FI_DEV_MEM_CLOCK${g} * 1000000`, legend: `${legend} memory` }] : []),
  ];
  const utilisation = [
    ...(has('DCGM_FI_DEV_GPU_UTIL') ? [{ expr: `DCGM_FI_DEV_GPU_UTIL${g}`, legend }] : []),
    ...(has('DCGM_FI_DEV_MEM_COPY_UTIL') && !gb10 ? [{ expr: `DCGM_FI_DEV_MEM_COPY_UTIL${g}`, legend: `${legend} memory copy` }] : []),
  ];
  const missing = missingFeatures(caps);
  const when = (cond: boolean, ...items: Item[]): Item[] => (cond ? items : []);
  // One line of panels, widths scaled so the ones present fill the 24 columns (the SDK does not wrap).
  type Spanned = Item & { span(w: number): unknown };
  const line = (...panels: Array<[boolean, () => Spanned, number]>): Item[] => {
    const shown = panels.filter(([on]) => on);
    const total = shown.reduce((n, [, , w]) => n + w, 0);
    let used = 0;
    return shown.map(([, make, w], i) => {
      const span = i === shown.length - 1 ? 24 - used : Math.round((w * 24) / total);
      used += span;
      const p = make();
      p.span(span);
      return p;
    });
  };

  const stats: Item[] = [
    // Counted from the gpu/UUID labels of the fields this GPU reports, never from one optional field.
    statPanel(uid, 'GPUs', [{ expr: gpuCount(caps.fields, g), instant: true }], { unit: UNITS.short, graph: false }),
    ...when(has('DCGM_FI_DEV_GPU_UTIL'), statPanel(uid, 'Average utilisation', [{ expr: `avg(DCGM_FI_DEV_GPU_UTIL${g})` }], { unit: UNITS.percent, min: 0, max: 100 })),
    ...when(has('DCGM_FI_DEV_GPU_TEMP'), statPanel(uid, 'Hottest GPU', [{ expr: `max(DCGM_FI_DEV_GPU_TEMP${g})` }], { unit: UNITS.celsius, thresholds: TEMP_THRESHOLDS })),
    ...when(has('DCGM_FI_DEV_POWER_USAGE'), statPanel(uid, 'Total power', [{ expr: `sum(DCGM_FI_DEV_POWER_USAGE${g})` }], { unit: UNITS.watt })),
    ...when(
      has('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION'),
      statPanel(
        uid,
        'Energy in range',
        // TOTAL_ENERGY_CONSUMPTION is a counter in mJ; 1 kWh = 3.6e9 mJ.
        [{ expr: `sum(increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION${g}[$__range])) / 3600000000`, instant: true }],
        { unit: UNITS.kwh, decimals: 3, graph: false },
      ),
    ),
    ...when(
      has('DCGM_FI_DEV_XID_ERRORS'),
      statPanel(uid, 'XID errors in range', [{ expr: `sum(changes(DCGM_FI_DEV_XID_ERRORS${g}[$__range]))`, instant: true }], {
        unit: UNITS.short,
        graph: false,
        noValue: '0',
        thresholds: redFrom(1),
        description: 'DCGM_FI_DEV_XID_ERRORS holds the last XID code; a change means a new XID. Absent until one occurs.',
      }),
    ),
  ];

  const items: Item[] = [
    // As wide as there are stats, on one line.
    ...stats.map((s, i) => (s as ReturnType<typeof statPanel>).span(fill(stats.length)[i]!)),
    ...when(
      missing.length > 0,
      textPanel(
        'Not reported by this GPU',
        [
          `What this GPU does not report is left out of this dashboard and of the alert rules (capabilities from ${caps.source === 'profile' ? `the ${profile} profile's counters` : caps.source === 'recording' ? 'the replayed recording' : "the exporter's own output"}):`,
          '',
          ...missing.map((m) => `- ${m.sentence}.`),
        ].join('\n'),
        { h: Math.min(10, 3 + missing.length) },
      ),
    ),
    row('Utilisation and temperature'),
    ...line(
      [utilisation.length > 0, () => timeseriesPanel(uid, 'GPU utilisation', utilisation, { unit: UNITS.percent, min: 0, max: 100 }), 9],
      [
        has('DCGM_FI_DEV_GPU_TEMP'),
        () =>
          timeseriesPanel(uid, 'GPU temperature', [{ expr: `DCGM_FI_DEV_GPU_TEMP${g}`, legend }], {
            unit: UNITS.celsius,
            thresholds: TEMP_THRESHOLDS,
            showThresholds: true,
            description: `Colours at ${TEMP_THRESHOLDS[1]?.value} °C and ${TEMP_THRESHOLDS[2]?.value} °C as in NVIDIA's sample dashboard.`,
          }),
        9,
      ],
      [
        has('DCGM_FI_DEV_GPU_TEMP'),
        () => gaugePanel(uid, 'Average temperature', [{ expr: `avg(DCGM_FI_DEV_GPU_TEMP${g})` }], { unit: UNITS.celsius, min: 0, max: 100, thresholds: TEMP_THRESHOLDS }),
        6,
      ],
    ),
    row('Power and clocks'),
    ...line(
      [has('DCGM_FI_DEV_POWER_USAGE'), () => timeseriesPanel(uid, 'Power usage', [{ expr: `DCGM_FI_DEV_POWER_USAGE${g}`, legend }], { unit: UNITS.watt, min: 0 }), 12],
      [clocks.length > 0, () => timeseriesPanel(uid, 'Clocks', clocks, { unit: UNITS.hertz, min: 0, description: 'DCGM reports clocks in MHz.' }), 12],
    ),
    ...memory,
    row('Errors and inventory'),
    ...line(
      [
        has('DCGM_FI_DEV_PCIE_REPLAY_COUNTER'),
        () => timeseriesPanel(uid, 'PCIe replays', [{ expr: `rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER${g}[$__rate_interval])`, legend }], { unit: UNITS.ops, min: 0, thresholds: NO_THRESHOLDS }),
        12,
      ],
      [
        has('DCGM_FI_DEV_XID_ERRORS'),
        () =>
          timeseriesPanel(uid, 'Last XID code', [{ expr: `DCGM_FI_DEV_XID_ERRORS${g}`, legend }], {
            unit: UNITS.none,
            description: 'The last XID error code per GPU (not a count). 48, 62, 64, 74, 79, 95, 119, 120 usually need a reset.',
          }),
        12,
      ],
    ),
    tablePanel(uid, 'GPUs', [{ expr: `count by (host, instance, gpu, UUID, modelName) (${anchor}${g})` }], {
      unit: UNITS.none,
      h: 6,
      hide: ['Value'],
      columns: [
        ['host', 'Host'],
        ['instance', 'Exporter'],
        ['gpu', 'GPU'],
        ['modelName', 'Model'],
        ['UUID', 'UUID'],
      ],
    }),
  ];

  return finish({
    uid: GPU_UID,
    title: gb10 ? 'obsctl / GPU (DGX Spark GB10)' : 'obsctl / GPU (NVIDIA)',
    description: `GPU utilisation, temperature, power, clocks and memory from dcgm-exporter (profile ${profile}).`,
    variables: [
      datasourceVariable(uid),
      queryVariable(uid, 'host', 'Host', `label_values(${anchor}, host)`),
      queryVariable(uid, 'instance', 'Exporter', `label_values(${anchor}{${sel('host')}}, instance)`),
      queryVariable(uid, 'gpu', 'GPU', `label_values(${anchor}{${sel('host', 'instance')}}, gpu)`),
    ],
    items: withoutEmptyRows(items),
  });
}
