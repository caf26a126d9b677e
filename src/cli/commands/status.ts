// obsctl status: one table of the stack's containers, straight from the Docker Engine API.
import { loadConfig } from '../../app/config.js';
import { status } from '../../app/status.js';
import { color, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface StatusFlags {
  config: string;
  host?: string;
  json: boolean;
}

export async function statusCommand(flags: StatusFlags): Promise<number> {
  const ports = realPorts(flags);
  const { project, ok, services: rows } = await status(ports, loadConfig(flags.config, { checkSecrets: false }, ports.readText), flags);
  if (flags.json) {
    printJson({ project, ok, services: rows });
    return ok ? 0 : 1;
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
  return ok ? 0 : 1;
}
