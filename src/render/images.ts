// Pinned default images. Every one is published for linux/amd64 AND linux/arm64 (DGX Spark is
// arm64). A user can override each one, and prefix all of them with a private registry.
import type { Config, ServiceName } from '../config/schema.js';

export const defaultImages: Record<ServiceName, string> = {
  prometheus: 'prom/prometheus:v3.5.0',
  alertmanager: 'prom/alertmanager:v0.28.1',
  grafana: 'grafana/grafana:12.1.1',
  'node-exporter': 'prom/node-exporter:v1.9.1',
  // The ubuntu variant (not distroless) so the health check can use bash's /dev/tcp.
  'dcgm-exporter': 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04',
  cadvisor: 'gcr.io/cadvisor/cadvisor:v0.52.1',
  blackbox: 'prom/blackbox-exporter:v0.27.0',
  // Runs templates/dcgm-sim for --simulate-gpu (CI without a GPU).
  'dcgm-simulator': 'node:22-alpine',
};

/**
 * The image a service runs. An explicit override is used as written; the registry prefix replaces
 * the registry host of defaults (nvcr.io/nvidia/k8s/x -> mirror/nvidia/k8s/x).
 */
export function imageFor(config: Config, service: ServiceName): string {
  const override = config.images[service];
  if (override) return override;
  const image = defaultImages[service];
  const prefix = config.images.registry.replace(/\/+$/, '');
  if (!prefix) return image;
  const first = image.split('/')[0]!;
  const hasRegistryHost = image.includes('/') && (first.includes('.') || first.includes(':'));
  return `${prefix}/${hasRegistryHost ? image.slice(first.length + 1) : image}`;
}
