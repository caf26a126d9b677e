// obsctl.yaml `resources:` — memory and CPU limits per service and container log rotation. The
// defaults are sized for one GPU host (a DGX Spark's 128 GB is unified memory shared with the GPU:
// an unbounded Prometheus takes memory from the model being served). Every limit is overridable.
import { z } from 'zod';
import { byteSize } from './values.js';

const limit = (memory: string, cpus: number) =>
  z
    .strictObject({
      memory: byteSize.default(memory).describe('memory limit (the container is OOM-killed and restarted above it), e.g. 2GB'),
      cpus: z.number().positive().max(1024).default(cpus).describe('CPU limit in cores, e.g. 1.0'),
    })
    .prefault({});

// Sized from what each one uses on a single host with the default scrape set (Prometheus: ~1 GB
// resident for a few hundred thousand series, head block plus query headroom).
export const resourcesSchema = z
  .strictObject({
    prometheus: limit('2GB', 1.0),
    alertmanager: limit('256MB', 0.25),
    grafana: limit('512MB', 0.5),
    'node-exporter': limit('128MB', 0.25),
    'dcgm-exporter': limit('512MB', 0.5),
    cadvisor: limit('256MB', 0.5),
    blackbox: limit('64MB', 0.1),
    'dcgm-simulator': limit('128MB', 0.25),
    'postgres-exporter': limit('128MB', 0.25),
    'redis-exporter': limit('64MB', 0.1),
    pushgateway: limit('128MB', 0.25),
    'victoria-metrics': limit('1GB', 0.5),
    logs: z
      .strictObject({
        max_size: z.string().regex(/^[1-9]\d*[kmg]$/, { message: 'a size such as 10m (k, m or g)' }).default('10m').describe('json-file log size before it rotates'),
        max_files: z.number().int().min(1).max(100).default(3).describe('rotated log files kept per container'),
      })
      .prefault({})
      .describe('container log rotation (json-file driver)'),
  })
  .prefault({})
  .describe('memory/CPU limits per service and log rotation; defaults sized for one GPU host');

export type Resources = z.output<typeof resourcesSchema>;
