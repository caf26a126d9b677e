// Benchmark (not a test), on the real Docker engine with the local test images:
//  1. nothing -> all healthy: `obsctl up` vs plain `docker compose up -d --wait` on the same
//     rendered file, in one run, as a ratio;
//  2. a no-change `obsctl up`;
//  3. `obsctl verify` on the healthy stack: wall time and number of checks.
// Run: bash docker/build-images.sh && bash docker/build-node-image.sh && npm run build && npx tsx bench/stack.ts
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';

const repo = path.resolve(import.meta.dirname, '..');
const bin = path.join(repo, 'dist', 'src', 'cli', 'bin.js');
const node = path.join(repo, 'node_modules', '.bin', 'node');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bench-stack-'));
const project = `bench-${process.pid}`;
const env = { ...process.env, NO_COLOR: '1' };
const obsctl = (...args: string[]) => execFileSync(node, [bin, ...args], { cwd: dir, env, stdio: 'pipe' }).toString();
const timed = (fn: () => unknown) => {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
};

fs.writeFileSync(
  path.join(dir, 'obsctl.yaml'),
  stringify({
    name: project,
    gpu: 'nvidia',
    network: { subnet: '172.30.99.0/24' },
    ports: { prometheus: 29090, alertmanager: 29093, grafana: 23000, node_exporter: 29100 },
    images: { prometheus: 'obsctl-test/prometheus:3.5', alertmanager: 'obsctl-test/alertmanager:0.28', 'node-exporter': 'obsctl-test/node-exporter:1', 'dcgm-simulator': 'obsctl-test/node:22', pull_policy: 'never' },
    grafana: { enabled: false },
    prometheus: { scrape_interval: '2s', evaluation_interval: '2s', retention_size: '1GB' },
    verify: { webhook_port: 29096 },
  }),
);
const stackDir = path.join(dir, '.obsctl', 'stack');
try {
  const upCold = timed(() => obsctl('up', '--simulate-gpu'));
  const upNoChange = timed(() => obsctl('up', '--simulate-gpu'));
  execFileSync('sleep', ['5']);
  let verifyOut = '';
  const verifySeconds = timed(() => (verifyOut = obsctl('verify', '--json')));
  const verify = JSON.parse(verifyOut) as { summary: Record<string, number>; checks: unknown[] };
  obsctl('down', '--volumes', '--yes');
  // Plain Compose on the very same rendered files, from nothing again.
  const secretEnv = { ...env };
  const compose = (...args: string[]) => execFileSync('docker', ['compose', '-p', project, '--project-directory', stackDir, '-f', path.join(stackDir, 'compose.yaml'), ...args], { env: secretEnv, stdio: 'pipe' });
  const plainCold = timed(() => compose('up', '-d', '--wait', '--pull', 'never'));
  compose('down', '--volumes');
  console.log(`nothing -> all healthy: obsctl up ${upCold.toFixed(1)} s, docker compose up -d --wait ${plainCold.toFixed(1)} s, ratio ${(upCold / plainCold).toFixed(2)}x`);
  console.log(`no-change obsctl up: ${upNoChange.toFixed(2)} s`);
  console.log(`obsctl verify on the healthy stack: ${verifySeconds.toFixed(2)} s wall, ${verify.checks.length} checks (${JSON.stringify(verify.summary)})`);
} finally {
  try {
    obsctl('down', '--volumes', '--yes');
  } catch {
    /* already down */
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
