// GPU dashboard (GPU profiles only), from dcgm-exporter's default counters.
// Profile differences (shared/docs/gb10-dcgm.md):
// - gb10 (DGX Spark): GPU memory is the host's unified LPDDR5X, so the memory panels read
//   node-exporter (MemTotal - MemAvailable). DCGM never emits FB_USED/FB_FREE/FB_RESERVED,
//   MEM_CLOCK or any PROF_* field there, and MEM_COPY_UTIL is meaningless: none of them is queried.
// - nvidia: framebuffer used/free from DCGM (MiB), memory clock, memory copy utilisation.
// Neither profile shows Tensor Core activity: DCGM_FI_PROF_* needs profiling (SYS_ADMIN), which
// obsctl leaves off by default.
import type { Profile } from './shared.js';
import {
  MIB,
  NO_THRESHOLDS,
  TEMP_THRESHOLDS,
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
  type DashboardSpec,
} from './shared.js';

export const GPU_UID = 'obsctl-gpu';

export function gpuDashboard(uid: string, profile: Exclude<Profile, 'none'>): DashboardFile {
  const gb10 = profile === 'gb10';
  const g = `{${sel('host', 'instance', 'gpu')}}`;
  const h = `{${sel('host')}}`;
  const legend = '{{host}} GPU {{gpu}}';

  const memory: DashboardSpec['items'] = gb10
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
    : [
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
      ];

  const clocks = gb10
    ? [{ expr: `DCGM_FI_DEV_SM_CLOCK${g} * 1000000`, legend: `${legend} SM` }]
    : [
        { expr: `DCGM_FI_DEV_SM_CLOCK${g} * 1000000`, legend: `${legend} SM` },
        { expr: `DCGM_FI_DEV_MEM_CLOCK${g} * 1000000`, legend: `${legend} memory` },
      ];

  const utilisation = gb10
    ? [{ expr: `DCGM_FI_DEV_GPU_UTIL${g}`, legend }]
    : [
        { expr: `DCGM_FI_DEV_GPU_UTIL${g}`, legend },
        { expr: `DCGM_FI_DEV_MEM_COPY_UTIL${g}`, legend: `${legend} memory copy` },
      ];

  return finish({
    uid: GPU_UID,
    title: gb10 ? 'obsctl / GPU (DGX Spark GB10)' : 'obsctl / GPU (NVIDIA)',
    description: `GPU utilisation, temperature, power, clocks and memory from dcgm-exporter (profile ${profile}).`,
    variables: [
      datasourceVariable(uid),
      queryVariable(uid, 'host', 'Host', 'label_values(DCGM_FI_DEV_GPU_TEMP, host)'),
      queryVariable(uid, 'instance', 'Exporter', `label_values(DCGM_FI_DEV_GPU_TEMP{${sel('host')}}, instance)`),
      queryVariable(uid, 'gpu', 'GPU', `label_values(DCGM_FI_DEV_GPU_TEMP{${sel('host', 'instance')}}, gpu)`),
    ],
    items: [
      statPanel(uid, 'GPUs', [{ expr: `count(DCGM_FI_DEV_GPU_TEMP${g})`, instant: true }], { unit: UNITS.short, graph: false }),
      statPanel(uid, 'Average utilisation', [{ expr: `avg(DCGM_FI_DEV_GPU_UTIL${g})` }], {
        unit: UNITS.percent,
        min: 0,
        max: 100,
      }),
      statPanel(uid, 'Hottest GPU', [{ expr: `max(DCGM_FI_DEV_GPU_TEMP${g})` }], {
        unit: UNITS.celsius,
        thresholds: TEMP_THRESHOLDS,
      }),
      statPanel(uid, 'Total power', [{ expr: `sum(DCGM_FI_DEV_POWER_USAGE${g})` }], { unit: UNITS.watt }),
      statPanel(
        uid,
        'Energy in range',
        // TOTAL_ENERGY_CONSUMPTION is a counter in mJ; 1 kWh = 3.6e9 mJ.
        [{ expr: `sum(increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION${g}[$__range])) / 3600000000`, instant: true }],
        { unit: UNITS.kwh, decimals: 3, graph: false },
      ),
      statPanel(
        uid,
        'XID errors in range',
        [{ expr: `sum(changes(DCGM_FI_DEV_XID_ERRORS${g}[$__range]))`, instant: true }],
        {
          unit: UNITS.short,
          graph: false,
          noValue: '0',
          thresholds: redFrom(1),
          description: 'DCGM_FI_DEV_XID_ERRORS holds the last XID code; a change means a new XID. Absent until one occurs.',
        },
      ),
      row('Utilisation and temperature'),
      timeseriesPanel(uid, 'GPU utilisation', utilisation, { unit: UNITS.percent, min: 0, max: 100, w: 9 }),
      timeseriesPanel(uid, 'GPU temperature', [{ expr: `DCGM_FI_DEV_GPU_TEMP${g}`, legend }], {
        unit: UNITS.celsius,
        thresholds: TEMP_THRESHOLDS,
        showThresholds: true,
        w: 9,
        description: `Colours at ${TEMP_THRESHOLDS[1]?.value} °C and ${TEMP_THRESHOLDS[2]?.value} °C as in NVIDIA's sample dashboard.`,
      }),
      gaugePanel(uid, 'Average temperature', [{ expr: `avg(DCGM_FI_DEV_GPU_TEMP${g})` }], {
        unit: UNITS.celsius,
        min: 0,
        max: 100,
        thresholds: TEMP_THRESHOLDS,
      }),
      row('Power and clocks'),
      timeseriesPanel(uid, 'Power usage', [{ expr: `DCGM_FI_DEV_POWER_USAGE${g}`, legend }], { unit: UNITS.watt, min: 0 }),
      timeseriesPanel(uid, 'Clocks', clocks, { unit: UNITS.hertz, min: 0, description: 'DCGM reports clocks in MHz.' }),
      ...memory,
      row('Errors and inventory'),
      timeseriesPanel(
        uid,
        'PCIe replays',
        [{ expr: `rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER${g}[$__rate_interval])`, legend }],
        { unit: UNITS.ops, min: 0, thresholds: NO_THRESHOLDS },
      ),
      timeseriesPanel(uid, 'Last XID code', [{ expr: `DCGM_FI_DEV_XID_ERRORS${g}`, legend }], {
        unit: UNITS.none,
        description: 'The last XID error code per GPU (not a count). 48, 62, 64, 74, 79, 95, 119, 120 usually need a reset.',
      }),
      tablePanel(
        uid,
        'GPUs',
        [{ expr: `count by (host, instance, gpu, UUID, modelName) (DCGM_FI_DEV_GPU_TEMP${g})` }],
        {
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
        },
      ),
    ],
  });
}
