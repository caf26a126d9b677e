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
// In a fleet (FleetCapabilities.hosts), a field some hosts do not report gets panels scoped to the
// hosts that do (`host=~"a|b"`, named in the title), and each host gets its own memory panel: the
// framebuffer from DCGM where reported, unified memory from node-exporter on GB10 hosts.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { FleetCapabilities, GpuCapabilities } from '../src/render/capabilities.js';
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
  const g0 = sel('host', 'instance', 'gpu');
  const g = `{${g0}}`;
  const legend = '{{host}} GPU {{gpu}}';
  const anchor = anchorField(caps);
  // Fleet: which hosts report the fields (undefined: every host does, or a single host).
  const hosts = (caps as FleetCapabilities).hosts;
  const names = hosts ? Object.keys(hosts).sort() : [];
  const only = (fields: string[], pick = (c: GpuCapabilities) => fields.every((f) => c.fields.includes(f))): string[] | undefined => {
    if (!hosts) return undefined;
    const w = names.filter((n) => pick(hosts[n]!));
    return w.length === names.length ? undefined : w;
  };
  // Host names are DNS labels ([a-z0-9-]: obsctl.yaml's schema), safe inside a regex as they are.
  const hostMatch = (w: string[] | undefined) => (w ? `,host=~"${w.join('|')}"` : '');
  /** The GPU selector, scoped to the hosts that report `fields`. */
  const gs = (...fields: string[]) => `{${g0}${hostMatch(only(fields))}}`;
  /** A title naming the hosts, when only some report `fields`. */
  const named = (title: string, ...fields: string[]) => {
    const w = only(fields);
    return w ? `${title} (${w.join(', ')})` : title;
  };
  const FB = ['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE'];
  // Hosts whose GPU memory is system memory (GB10) and that report no framebuffer.
  const unifiedHosts = hosts ? names.filter((n) => hosts[n]!.unifiedMemory && !FB.every((f) => hosts[n]!.fields.includes(f))) : [];

  const fbPanels = (): Item[] => {
    const f = gs(...FB);
    return [
      row(named('Memory (framebuffer)', ...FB)),
      timeseriesPanel(
        uid,
        named('Framebuffer memory', ...FB),
        [
          { expr: `DCGM_FI_DEV_FB_USED${f} * ${MIB}`, legend: `${legend} used` },
          { expr: `DCGM_FI_DEV_FB_FREE${f} * ${MIB}`, legend: `${legend} free` },
        ],
        { unit: UNITS.bytes, min: 0, stack: true, description: 'DCGM FB_USED / FB_FREE (reported in MiB).' },
      ),
      gaugePanel(
        uid,
        named('Framebuffer used', ...FB),
        [{ expr: `DCGM_FI_DEV_FB_USED${f} / (DCGM_FI_DEV_FB_USED${f} + DCGM_FI_DEV_FB_FREE${f})`, legend }],
        { unit: UNITS.percentunit, min: 0, max: 1, w: 12, thresholds: ratioThresholds(0.85, 0.95) },
      ),
    ];
  };
  const unifiedPanels = (scope: string[] | undefined): Item[] => {
    const u = `{${sel('host')}${hostMatch(scope)}}`;
    const title = (t: string) => (scope ? `${t} (${scope.join(', ')})` : t);
    return [
      row(title('Memory (unified: GPU memory is system memory on GB10)')),
      timeseriesPanel(
        uid,
        title('Unified memory used'),
        [
          { expr: `node_memory_MemTotal_bytes${u} - node_memory_MemAvailable_bytes${u}`, legend: '{{host}} used' },
          { expr: `node_memory_MemTotal_bytes${u}`, legend: '{{host}} total' },
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
        title('Unified memory used'),
        [{ expr: `1 - node_memory_MemAvailable_bytes${u} / node_memory_MemTotal_bytes${u}`, legend: '{{host}}' }],
        { unit: UNITS.percentunit, min: 0, max: 1, w: 12, thresholds: ratioThresholds(0.85, 0.95) },
      ),
    ];
  };
  // Each host its own memory panel: framebuffer where reported, unified memory on GB10 hosts (in a
  // mixed fleet both, each scoped to its hosts).
  const memory: Item[] = hosts
    ? [...(has(...FB) ? fbPanels() : []), ...(unifiedHosts.length ? unifiedPanels(unifiedHosts.length === names.length ? undefined : unifiedHosts) : [])]
    : has(...FB)
      ? fbPanels()
      : caps.unifiedMemory || gb10
        ? unifiedPanels(undefined)
        : [];

  const clocks = [
    ...(has('DCGM_FI_DEV_SM_CLOCK') ? [{ expr: `DCGM_FI_DEV_SM_CLOCK${gs('DCGM_FI_DEV_SM_CLOCK')} * 1000000`, legend: `${legend} SM` }] : []),
    ...(has('DCGM_FI_DEV_MEM_CLOCK') && !gb10 ? [{ expr: `DCGM_FI_DEV_MEM_CLOCK${gs('DCGM_FI_DEV_MEM_CLOCK')} * 1000000`, legend: `${legend} memory` }] : []),
  ];
  const utilisation = [
    ...(has('DCGM_FI_DEV_GPU_UTIL') ? [{ expr: `DCGM_FI_DEV_GPU_UTIL${gs('DCGM_FI_DEV_GPU_UTIL')}`, legend }] : []),
    ...(has('DCGM_FI_DEV_MEM_COPY_UTIL') && !gb10 ? [{ expr: `DCGM_FI_DEV_MEM_COPY_UTIL${gs('DCGM_FI_DEV_MEM_COPY_UTIL')}`, legend: `${legend} memory copy` }] : []),
  ];
  // In a fleet, what each host does not report, by host.
  const missing = hosts ? names.flatMap((n) => missingFeatures(hosts[n]!).map((m) => ({ ...m, sentence: `${n}: ${m.sentence}` }))) : missingFeatures(caps);
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
    ...when(has('DCGM_FI_DEV_GPU_UTIL'), statPanel(uid, named('Average utilisation', 'DCGM_FI_DEV_GPU_UTIL'), [{ expr: `avg(DCGM_FI_DEV_GPU_UTIL${gs('DCGM_FI_DEV_GPU_UTIL')})` }], { unit: UNITS.percent, min: 0, max: 100 })),
    ...when(has('DCGM_FI_DEV_GPU_TEMP'), statPanel(uid, named('Hottest GPU', 'DCGM_FI_DEV_GPU_TEMP'), [{ expr: `max(DCGM_FI_DEV_GPU_TEMP${gs('DCGM_FI_DEV_GPU_TEMP')})` }], { unit: UNITS.celsius, thresholds: TEMP_THRESHOLDS })),
    ...when(has('DCGM_FI_DEV_POWER_USAGE'), statPanel(uid, named('Total power', 'DCGM_FI_DEV_POWER_USAGE'), [{ expr: `sum(DCGM_FI_DEV_POWER_USAGE${gs('DCGM_FI_DEV_POWER_USAGE')})` }], { unit: UNITS.watt })),
    ...when(
      has('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION'),
      statPanel(
        uid,
        named('Energy in range', 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION'),
        // TOTAL_ENERGY_CONSUMPTION is a counter in mJ; 1 kWh = 3.6e9 mJ.
        [{ expr: `sum(increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION${gs('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION')}[$__range])) / 3600000000`, instant: true }],
        { unit: UNITS.kwh, decimals: 3, graph: false },
      ),
    ),
    ...when(
      has('DCGM_FI_DEV_XID_ERRORS'),
      statPanel(uid, named('XID errors in range', 'DCGM_FI_DEV_XID_ERRORS'), [{ expr: `sum(changes(DCGM_FI_DEV_XID_ERRORS${gs('DCGM_FI_DEV_XID_ERRORS')}[$__range]))`, instant: true }], {
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
      [utilisation.length > 0, () => timeseriesPanel(uid, named('GPU utilisation', 'DCGM_FI_DEV_GPU_UTIL'), utilisation, { unit: UNITS.percent, min: 0, max: 100 }), 9],
      [
        has('DCGM_FI_DEV_GPU_TEMP'),
        () =>
          timeseriesPanel(uid, named('GPU temperature', 'DCGM_FI_DEV_GPU_TEMP'), [{ expr: `DCGM_FI_DEV_GPU_TEMP${gs('DCGM_FI_DEV_GPU_TEMP')}`, legend }], {
            unit: UNITS.celsius,
            thresholds: TEMP_THRESHOLDS,
            showThresholds: true,
            description: `Colours at ${TEMP_THRESHOLDS[1]?.value} °C and ${TEMP_THRESHOLDS[2]?.value} °C as in NVIDIA's sample dashboard.`,
          }),
        9,
      ],
      [
        has('DCGM_FI_DEV_GPU_TEMP'),
        () => gaugePanel(uid, named('Average temperature', 'DCGM_FI_DEV_GPU_TEMP'), [{ expr: `avg(DCGM_FI_DEV_GPU_TEMP${gs('DCGM_FI_DEV_GPU_TEMP')})` }], { unit: UNITS.celsius, min: 0, max: 100, thresholds: TEMP_THRESHOLDS }),
        6,
      ],
    ),
    row('Power and clocks'),
    ...line(
      [has('DCGM_FI_DEV_POWER_USAGE'), () => timeseriesPanel(uid, named('Power usage', 'DCGM_FI_DEV_POWER_USAGE'), [{ expr: `DCGM_FI_DEV_POWER_USAGE${gs('DCGM_FI_DEV_POWER_USAGE')}`, legend }], { unit: UNITS.watt, min: 0 }), 12],
      [clocks.length > 0, () => timeseriesPanel(uid, 'Clocks', clocks, { unit: UNITS.hertz, min: 0, description: 'DCGM reports clocks in MHz.' }), 12],
    ),
    ...memory,
    row('Errors and inventory'),
    ...line(
      [
        has('DCGM_FI_DEV_PCIE_REPLAY_COUNTER'),
        () => timeseriesPanel(uid, named('PCIe replays', 'DCGM_FI_DEV_PCIE_REPLAY_COUNTER'), [{ expr: `rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER${gs('DCGM_FI_DEV_PCIE_REPLAY_COUNTER')}[$__rate_interval])`, legend }], { unit: UNITS.ops, min: 0, thresholds: NO_THRESHOLDS }),
        12,
      ],
      [
        has('DCGM_FI_DEV_XID_ERRORS'),
        () =>
          timeseriesPanel(uid, named('Last XID code', 'DCGM_FI_DEV_XID_ERRORS'), [{ expr: `DCGM_FI_DEV_XID_ERRORS${gs('DCGM_FI_DEV_XID_ERRORS')}`, legend }], {
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
