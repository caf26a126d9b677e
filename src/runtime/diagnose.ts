// When `up` fails: which service, its health-check output, and its last log lines.
import type { Compose } from '../app/ports.js';
import type { Engine } from './engine.js';
import { plainText } from './plain-text.js';

export async function diagnose(engine: Engine, compose: Compose, project: string): Promise<string[]> {
  const lines: string[] = [];
  const containers = await engine.projectContainers(project);
  const bad = containers.filter((c) => c.state !== 'running' || (c.health && c.health !== 'healthy'));
  for (const c of bad) {
    lines.push(`${c.service}: ${c.state}${c.health ? ` (${c.health})` : ''}`);
    for (const h of (await engine.healthLog(c.id)).slice(-3)) lines.push(`  health check: ${h.slice(0, 300)}`);
    const logs = await compose.logs(c.service, { follow: false, tail: 15, inherit: false });
    for (const l of plainText(logs.stdout).split('\n').filter(Boolean).slice(-15)) lines.push(`  log: ${l}`);
  }
  return lines;
}
