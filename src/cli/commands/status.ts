// obsctl status: one table of the stack's containers, straight from the Docker Engine API.
import { connectEngine } from '../../runtime/preflight.js';
import { loadConfig } from '../context.js';
import { chooseHost } from '../stack.js';
import { projectName } from '../../render/inventory.js';
import { color, out, printJson } from '../output.js';

export interface StatusOptions {
  config: string;
  host?: string;
  json: boolean;
}

export function uptime(startedAt: string | undefined, now = Date.now()): string {
  if (!startedAt || startedAt.startsWith('0001')) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(startedAt)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export async function status(options: StatusOptions): Promise<number> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const project = projectName(loaded.config, chooseHost(loaded, options.host));
  const engine = await connectEngine();
  const containers = await engine.projectContainers(project);
  const rows = containers.map((c) => ({
    service: c.service,
    simulated: c.simulated,
    state: c.state,
    health: c.health ?? '-',
    address: c.ports.map((p) => `${p.hostIp}:${p.hostPort}`).join(', ') || '-',
    uptime: c.state === 'running' ? uptime(c.startedAt) : '-',
    image: c.image,
    id: c.id.slice(0, 12),
  }));
  const healthy = rows.every((r) => r.state === 'running' && (r.health === 'healthy' || r.health === '-'));
  if (options.json) {
    printJson({ project, ok: rows.length > 0 && healthy, services: rows });
    return rows.length > 0 && healthy ? 0 : 1;
  }
  if (rows.length === 0) {
    out(`${project}: no containers. Start the stack with ${color.bold('obsctl up')}.`);
    return 1;
  }
  const headers = ['SERVICE', 'STATE', 'HEALTH', 'ADDRESS', 'UPTIME', 'IMAGE'] as const;
  const cells = rows.map((r) => [r.simulated ? `${r.service} (simulated)` : r.service, r.state, r.health, r.address, r.uptime, r.image]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  out(headers.map((h, i) => h.padEnd(widths[i]!)).join('  '));
  for (const c of cells) {
    const paint = c[1] !== 'running' || c[2] === 'unhealthy' ? color.red : c[2] === 'starting' ? color.yellow : (s: string) => s;
    out(paint(c.map((v, i) => v.padEnd(widths[i]!)).join('  ')));
  }
  return healthy ? 0 : 1;
}
