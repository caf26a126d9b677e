// Reads the built-in alert packs from disk (the edge; render itself stays pure).
import fs from 'node:fs';
import path from 'node:path';
import { alertsDir, templatesDir } from './paths.js';
import type { ContentFile } from './render/rules.js';

export function loadAlertContent(dir = alertsDir): ContentFile[] {
  const out: ContentFile[] = [];
  for (const pack of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!pack.isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(dir, pack.name))) {
      if (!/\.(rules|test)\.yml$/.test(file)) continue;
      out.push({ path: `${pack.name}/${file}`, text: fs.readFileSync(path.join(dir, pack.name, file), 'utf8') });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Files of the simulated GPU exporter (templates/dcgm-sim), as `@sim/<name>`. */
export function loadSimulatorContent(dir = path.join(templatesDir, 'dcgm-sim')): ContentFile[] {
  return ['dcgm-simulator.mjs', 't4-dcgm-exporter.prom'].map((f) => ({ path: `@sim/${f}`, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/** Everything render() reads besides the config. */
export const loadContent = (): ContentFile[] => [...loadAlertContent(), ...loadSimulatorContent()];
