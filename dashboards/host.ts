// Host dashboard: CPU, memory, load, disk, filesystems and network from node-exporter.
import {
  REC,
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

export const HOST_UID = 'obsctl-host';

/** Pseudo and container file systems that only add noise. */
const FS = 'fstype!~"tmpfs|devtmpfs|overlay|squashfs|ramfs|nsfs|fuse.lxcfs"';
/** Loopback and container-side virtual interfaces (traffic already counted on the real device). */
const NIC = 'device!~"lo|veth.+|docker.+|br-.+"';

export function hostDashboard(uid: string): DashboardFile {
  const n = sel('host', 'instance');
  const s = `{${n}}`;
  const fs = `{${n},${FS}}`;
  const nic = `{${n},${NIC}}`;

  return finish({
    uid: HOST_UID,
    title: 'obsctl / Host',
    description: 'CPU, memory, load, disks, file systems and network of each host (node-exporter).',
    variables: [
      datasourceVariable(uid),
      queryVariable(uid, 'host', 'Host', 'label_values(node_uname_info, host)'),
      queryVariable(uid, 'instance', 'Exporter', `label_values(node_uname_info{${sel('host')}}, instance)`),
    ],
    items: [
      statPanel(uid, 'Uptime', [{ expr: `time() - node_boot_time_seconds${s}`, legend: '{{host}}', instant: true }], {
        unit: UNITS.seconds,
        graph: false,
      }),
      statPanel(uid, 'CPUs', [{ expr: `${REC.numCpu}${s}`, legend: '{{host}}', instant: true }], {
        unit: UNITS.short,
        graph: false,
      }),
      statPanel(uid, 'CPU busy', [{ expr: `${REC.cpuUtilisation}${s}`, legend: '{{host}}' }], {
        unit: UNITS.percentunit,
        thresholds: ratioThresholds(0.8, 0.95),
      }),
      statPanel(
        uid,
        'Memory used',
        [{ expr: `1 - node_memory_MemAvailable_bytes${s} / node_memory_MemTotal_bytes${s}`, legend: '{{host}}' }],
        { unit: UNITS.percentunit, thresholds: ratioThresholds(0.85, 0.95) },
      ),
      statPanel(uid, 'Load per CPU', [{ expr: `${REC.load1PerCpu}${s}`, legend: '{{host}}' }], {
        unit: UNITS.short,
        decimals: 2,
        thresholds: ratioThresholds(1, 2),
      }),
      statPanel(uid, 'Memory total', [{ expr: `node_memory_MemTotal_bytes${s}`, legend: '{{host}}', instant: true }], {
        unit: UNITS.bytes,
        graph: false,
      }),

      row('CPU and load'),
      timeseriesPanel(uid, 'CPU utilisation', [{ expr: `${REC.cpuUtilisation}${s}`, legend: '{{host}}' }], {
        unit: UNITS.percentunit,
        min: 0,
        max: 1,
        w: 8,
        description: 'Busy fraction of all CPUs (idle, iowait and steal count as not busy).',
      }),
      timeseriesPanel(
        uid,
        'CPU by mode',
        [
          {
            expr: `avg by (host, mode) (rate(node_cpu_seconds_total{${n},mode!="idle"}[$__rate_interval]))`,
            legend: '{{host}} {{mode}}',
          },
        ],
        { unit: UNITS.percentunit, min: 0, stack: true, w: 8 },
      ),
      timeseriesPanel(
        uid,
        'Load average',
        [
          { expr: `node_load1${s}`, legend: '{{host}} 1m' },
          { expr: `node_load5${s}`, legend: '{{host}} 5m' },
          { expr: `node_load15${s}`, legend: '{{host}} 15m' },
          { expr: `${REC.numCpu}${s}`, legend: '{{host}} CPUs' },
        ],
        { unit: UNITS.short, min: 0, w: 8 },
      ),

      row('Memory'),
      timeseriesPanel(
        uid,
        'Memory',
        [
          { expr: `node_memory_MemTotal_bytes${s} - node_memory_MemAvailable_bytes${s}`, legend: '{{host}} used' },
          { expr: `node_memory_Cached_bytes${s} + node_memory_Buffers_bytes${s}`, legend: '{{host}} cache + buffers' },
          { expr: `node_memory_MemTotal_bytes${s}`, legend: '{{host}} total' },
        ],
        { unit: UNITS.bytes, min: 0, w: 12 },
      ),
      timeseriesPanel(
        uid,
        'Swap used',
        [{ expr: `node_memory_SwapTotal_bytes${s} - node_memory_SwapFree_bytes${s}`, legend: '{{host}}' }],
        { unit: UNITS.bytes, min: 0, w: 12 },
      ),

      row('Disks'),
      timeseriesPanel(
        uid,
        'Disk throughput',
        [
          { expr: `rate(node_disk_read_bytes_total${s}[$__rate_interval])`, legend: '{{host}} {{device}} read' },
          { expr: `rate(node_disk_written_bytes_total${s}[$__rate_interval])`, legend: '{{host}} {{device}} write' },
        ],
        { unit: UNITS.bytesPerSecond, min: 0, w: 8 },
      ),
      timeseriesPanel(
        uid,
        'Disk IOPS',
        [
          { expr: `rate(node_disk_reads_completed_total${s}[$__rate_interval])`, legend: '{{host}} {{device}} read' },
          { expr: `rate(node_disk_writes_completed_total${s}[$__rate_interval])`, legend: '{{host}} {{device}} write' },
        ],
        { unit: UNITS.ops, min: 0, w: 8 },
      ),
      timeseriesPanel(
        uid,
        'Disk busy',
        [{ expr: `rate(node_disk_io_time_seconds_total${s}[$__rate_interval])`, legend: '{{host}} {{device}}' }],
        { unit: UNITS.percentunit, min: 0, max: 1, w: 8 },
      ),

      row('File systems'),
      timeseriesPanel(
        uid,
        'File system used',
        [
          {
            expr: `1 - node_filesystem_avail_bytes${fs} / node_filesystem_size_bytes${fs}`,
            legend: '{{host}} {{mountpoint}}',
          },
        ],
        { unit: UNITS.percentunit, min: 0, max: 1, w: 12, thresholds: ratioThresholds(0.8, 0.9) },
      ),
      tablePanel(
        uid,
        'File systems',
        [
          { expr: `max by (host, mountpoint, fstype) (node_filesystem_size_bytes${fs})` },
          { expr: `max by (host, mountpoint, fstype) (node_filesystem_avail_bytes${fs})` },
          {
            expr: `max by (host, mountpoint, fstype) (1 - node_filesystem_avail_bytes${fs} / node_filesystem_size_bytes${fs})`,
          },
        ],
        {
          unit: UNITS.bytes,
          w: 12,
          merge: true,
          columns: [
            ['host', 'Host'],
            ['mountpoint', 'Mount point'],
            ['fstype', 'Type'],
            ['Value #A', 'Size'],
            ['Value #B', 'Available'],
            ['Value #C', 'Used'],
          ],
        },
      ).overrideByName('Used', [
        { id: 'unit', value: UNITS.percentunit },
        { id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic' } },
        { id: 'max', value: 1 },
        {
          id: 'thresholds',
          value: { mode: 'absolute', steps: ratioThresholds(0.8, 0.9) },
        },
      ]),
      gaugePanel(
        uid,
        'Root file system used',
        [{ expr: `1 - node_filesystem_avail_bytes{${n},mountpoint="/"} / node_filesystem_size_bytes{${n},mountpoint="/"}`, legend: '{{host}}' }],
        { unit: UNITS.percentunit, min: 0, max: 1, w: 24, h: 6, thresholds: ratioThresholds(0.8, 0.9) },
      ),

      row('Network'),
      timeseriesPanel(
        uid,
        'Network traffic',
        [
          { expr: `rate(node_network_receive_bytes_total${nic}[$__rate_interval])`, legend: '{{host}} {{device}} in' },
          { expr: `rate(node_network_transmit_bytes_total${nic}[$__rate_interval])`, legend: '{{host}} {{device}} out' },
        ],
        { unit: UNITS.bytesPerSecond, min: 0, w: 12 },
      ),
      timeseriesPanel(
        uid,
        'Network errors and drops',
        [
          {
            expr: `rate(node_network_receive_errs_total${nic}[$__rate_interval]) + rate(node_network_transmit_errs_total${nic}[$__rate_interval])`,
            legend: '{{host}} {{device}} errors',
          },
          {
            expr: `rate(node_network_receive_drop_total${nic}[$__rate_interval]) + rate(node_network_transmit_drop_total${nic}[$__rate_interval])`,
            legend: '{{host}} {{device}} drops',
          },
        ],
        { unit: UNITS.ops, min: 0, w: 12, thresholds: redFrom(1) },
      ),
    ],
  });
}
