// `status`: the stack's containers, straight from the Docker Engine API.
import type { LoadedConfig } from './config.js';
import type { Ports } from './ports.js';
import { stackProject } from './stack.js';

export interface StatusRow {
  service: string;
  simulated: boolean;
  state: string;
  health: string;
  address: string;
  uptime: string;
  image: string;
  id: string;
}

export function uptime(startedAt: string | undefined, now = Date.now()): string {
  if (!startedAt || startedAt.startsWith('0001')) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(startedAt)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export async function status(ports: Ports, loaded: LoadedConfig, options: { host?: string }): Promise<{ project: string; ok: boolean; services: StatusRow[] }> {
  const { project } = stackProject(loaded, options.host);
  const containers = await (await ports.engine()).projectContainers(project);
  const services = containers.map((c) => ({
    service: c.service,
    simulated: c.simulated,
    state: c.state,
    health: c.health ?? '-',
    address: c.ports.map((p) => `${p.hostIp}:${p.hostPort}`).join(', ') || '-',
    uptime: c.state === 'running' ? uptime(c.startedAt, ports.now()) : '-',
    image: c.image,
    id: c.id.slice(0, 12),
  }));
  const healthy = services.every((r) => r.state === 'running' && (r.health === 'healthy' || r.health === '-'));
  return { project, ok: services.length > 0 && healthy, services };
}
