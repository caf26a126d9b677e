// Benchmark (not a test): how fast is rendering?
//  1. cold `obsctl render` (a new node process, default config) next to `docker compose config`
//     on the compose file it rendered, in the same run, as a ratio;
//  2. in-process render() for 10, 100 and 1,000 app targets (should grow about linearly).
// Run: npm run build && npx tsx bench/render.ts
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { configSchema } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';

const repo = path.resolve(import.meta.dirname, '..');
const bin = path.join(repo, 'dist', 'src', 'cli', 'bin.js');
const node = path.join(repo, 'node_modules', '.bin', 'node');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (fn: () => void) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

if (!fs.existsSync(bin)) throw new Error('run `npm run build` first');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bench-'));
const runs = 7;
const renderMs: number[] = [];
for (let i = 0; i < runs; i++) {
  fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  renderMs.push(time(() => execFileSync(node, [bin, 'render', '-c', path.join(dir, 'obsctl.yaml'), '--out', path.join(dir, 'out')], { stdio: 'pipe' })));
}
const composeMs: number[] = [];
let composeNote = '';
try {
  for (let i = 0; i < runs; i++) {
    composeMs.push(time(() => execFileSync('docker', ['compose', '-f', path.join(dir, 'out', 'compose.yaml'), 'config', '-q'], { stdio: 'pipe', env: { ...process.env, OBSCTL_SECRET_GRAFANA_ADMIN_PASSWORD: 'x' } })));
  }
} catch (e) {
  composeNote = ` (docker compose unavailable: ${(e as Error).message.split('\n')[0]})`;
}
console.log(`cold obsctl render (default config, new process): median ${median(renderMs).toFixed(0)} ms over ${runs} runs`);
if (composeMs.length) {
  console.log(`docker compose config -q on the rendered file:    median ${median(composeMs).toFixed(0)} ms over ${runs} runs`);
  console.log(`ratio render / compose config: ${(median(renderMs) / median(composeMs)).toFixed(2)}x`);
} else console.log(`docker compose config: not measured${composeNote}`);

const content = loadContent();
console.log('\nin-process render() by number of app targets (profile nvidia):');
let previous = 0;
for (const n of [10, 100, 1000]) {
  const config = configSchema.parse({ gpu: 'nvidia', targets: Array.from({ length: n }, (_, i) => ({ name: `app-${i}`, urls: [`10.0.${Math.floor(i / 250)}.${i % 250}:8080`] })) });
  render(config, { profile: 'nvidia' }, content); // warm-up
  const ms = median(Array.from({ length: 5 }, () => time(() => render(config, { profile: 'nvidia' }, content))));
  console.log(`  ${String(n).padStart(5)} targets: ${ms.toFixed(1)} ms${previous ? ` (${(ms / previous).toFixed(1)}x the previous, for 10x the targets)` : ''}`);
  previous = ms;
}
fs.rmSync(dir, { recursive: true, force: true });

console.log('\ncentral render() by inventory size (every node a GPU host):');
previous = 0;
for (const n of [10, 100, 1000]) {
  const hosts = [
    { name: 'central', role: 'central', address: '10.0.0.1' },
    ...Array.from({ length: n }, (_, i) => ({ name: `node-${i}`, address: `10.${1 + Math.floor(i / 250)}.0.${i % 250}`, gpu: i % 2 ? 'gb10' : 'nvidia', labels: { rack: `r${i % 40}`, site: 'lab' } })),
  ];
  const config = configSchema.parse({ hosts });
  render(config, { profile: 'none', host: 'central' }, content);
  let files: { path: string; content: string }[] = [];
  const ms = median(Array.from({ length: 5 }, () => time(() => (files = render(config, { profile: 'none', host: 'central' }, content).files))));
  const sd = files.filter((f) => f.path.startsWith('prometheus/file_sd/')).reduce((s, f) => s + f.content.length, 0);
  console.log(`  ${String(n).padStart(5)} hosts: ${ms.toFixed(1)} ms, file_sd ${(sd / 1024).toFixed(0)} KiB${previous ? ` (${(ms / previous).toFixed(1)}x the previous, for 10x the hosts)` : ''}`);
  previous = ms;
}
