// The Docker end-to-end harness: spawns the real built obsctl binary against the real engine and
// the local test images (docker/build-images.sh), on free ports and a private subnet, and always
// tears the project down. Without an engine it says SKIPPED; with OBSCTL_DOCKER_REQUIRED=1 (set by
// .ci/run once the engine script succeeded) a missing engine or image is a failure instead.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parseDocument } from 'yaml';
import { createMetrics } from '../../src/metrics/index.js';

// Ports below the ephemeral range, reserved across test processes; waits that say what they last saw.
import { freePort } from './free-port.js';

export { freePort };
export { waitFor } from './wait-for.js';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(repoRoot, 'dist', 'src', 'cli', 'bin.js');
export const testImages = {
  prometheus: 'obsctl-test/prometheus:3.5',
  alertmanager: 'obsctl-test/alertmanager:0.28',
  'node-exporter': 'obsctl-test/node-exporter:1',
  // Runs obsctl's simulated GPU exporter (recorded real dcgm-exporter output, moving values).
  'dcgm-simulator': 'obsctl-test/node:22',
};

/** Why Docker tests cannot run here, or undefined when they can. */
export async function dockerUnavailable(): Promise<string | undefined> {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false });
  if (info.exitCode !== 0) return `no Docker engine (${String(info.stderr).trim().split('\n').pop()})`;
  const compose = await execa('docker', ['compose', 'version', '--short'], { reject: false });
  if (compose.exitCode !== 0) return 'no Docker Compose v2 plugin';
  for (const image of Object.values(testImages)) {
    const r = await execa('docker', ['image', 'inspect', image], { reject: false });
    if (r.exitCode !== 0) return `local test image ${image} missing (run bash docker/build-images.sh and bash docker/build-node-image.sh)`;
  }
  console.log(`e2e: stacks run ${await imageVersions()}`);
  return undefined;
}

/** "Prometheus 3.5.3, Alertmanager 0.28.1": what the test images' binaries report, once per run. */
let versions: Promise<string> | undefined;
export function imageVersions(): Promise<string> {
  const one = async (label: string, image: string, entrypoint: string): Promise<string> => {
    const r = await execa('docker', ['run', '--rm', '--network', 'none', '--entrypoint', entrypoint, image, '--version'], { reject: false });
    const v = /version (\d+\.\d+(?:\.\d+)?)/.exec(`${r.stdout}\n${r.stderr}`)?.[1];
    return `${label} ${v ?? `(version unknown: ${image})`} (${image})`;
  };
  versions ??= Promise.all([
    one('Prometheus', testImages.prometheus, '/bin/prometheus'),
    one('Alertmanager', testImages.alertmanager, '/bin/alertmanager'),
  ]).then((v) => v.join(', '));
  return versions;
}

/** Prints SKIPPED loudly, or fails when CI said Docker must be there. */
export function skipOrFail(reason: string): void {
  if (process.env.OBSCTL_DOCKER_REQUIRED === '1') throw new Error(`Docker suite required but cannot run: ${reason}`);
  console.warn(`\nSKIPPED: ${reason}. The Docker end-to-end suite did not run; this is not a pass.\n`);
}

export async function buildOnce(): Promise<void> {
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const srcTime = Math.max(newest(path.join(repoRoot, 'src')), newest(path.join(repoRoot, 'dashboards')));
  if (fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= srcTime) return;
  await execa('npm', ['run', 'build'], { cwd: repoRoot }); // tsc, then the bundled CLI entry (scripts/bundle-cli.mjs)
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: () => Record<string, unknown>;
}

export async function obsctl(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const r = await execa(process.execPath, [bin, ...args], { cwd, reject: false, env: { NO_COLOR: '1', ...env }, timeout: 300_000 });
  const stdout = String(r.stdout);
  return { code: r.exitCode ?? -1, stdout, stderr: String(r.stderr), json: () => JSON.parse(stdout) };
}

export function tempProject(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `obsctl-${prefix}-`));
}

export interface StackPorts {
  prometheus: number;
  alertmanager: number;
  node: number;
  app: number;
  webhook: number;
}

export async function stackPorts(): Promise<StackPorts> {
  return { prometheus: await freePort(), alertmanager: await freePort(), node: await freePort(), app: await freePort(), webhook: await freePort() };
}

/** The settings every e2e stack shares: local images, free ports, its own subnet, fast intervals, no Grafana. */
export function useTestStack(set: (p: (string | number)[], v: unknown) => void, subnetByte: number, ports: StackPorts): void {
  set(['network'], { subnet: `172.30.${subnetByte}.0/24` });
  set(['ports'], { prometheus: ports.prometheus, alertmanager: ports.alertmanager, node_exporter: ports.node, grafana: 3000 });
  set(['images'], { ...testImages, pull_policy: 'never' });
  set(['grafana'], { enabled: false });
  set(['prometheus', 'scrape_interval'], '2s');
  set(['prometheus', 'evaluation_interval'], '2s');
  set(['prometheus', 'retention_size'], '1GB');
  set(['verify'], { webhook_port: ports.webhook });
}

/** Edits obsctl.yaml as a YAML document, so init's comments survive. */
export function editConfig(dir: string, edit: (set: (p: (string | number)[], v: unknown) => void) => void): void {
  const file = path.join(dir, 'obsctl.yaml');
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  edit((p, v) => doc.setIn(p, doc.createNode(v)));
  fs.writeFileSync(file, doc.toString());
}

export async function promQuery(base: string, query: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}${time ? `&time=${time}` : ''}`;
  const body = (await (await fetch(url)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

/** Resources Docker still holds for a compose project. */
export async function projectLeftovers(project: string): Promise<string[]> {
  const label = `label=com.docker.compose.project=${project}`;
  const out: string[] = [];
  for (const [kind, args] of [
    ['container', ['ps', '-a', '-q', '--filter', label]],
    ['network', ['network', 'ls', '-q', '--filter', label]],
    ['volume', ['volume', 'ls', '-q', '--filter', label]],
  ] as const) {
    const r = await execa('docker', [...args], { reject: false });
    for (const id of String(r.stdout).split('\n').filter(Boolean)) out.push(`${kind} ${id}`);
  }
  return out;
}

/**
 * An app target on the host instrumented with obsctl's real metrics helper (so the App dashboard
 * has its series), with traffic recorded continuously; its /metrics can be switched to HTTP 500.
 */
export class AppTarget {
  private server?: http.Server;
  private traffic?: NodeJS.Timeout;
  status = 200;
  readonly metrics = createMetrics({ serviceVersion: '1.0.0', commit: 'e2e', collectDefaultMetrics: false });
  async listen(host: string, port: number): Promise<void> {
    const m = this.metrics;
    const tick = () => {
      m.observeRequest('POST', '/v1/generate', 200, 0.4 + Math.random());
      m.observeRequest('GET', '/v1/models', 200, 0.01);
      m.setQueueDepth('generate', 3);
      void m.trackJob('generate', async () => undefined);
      m.startRequest('POST', '/v1/generate'); // stays in flight
    };
    tick();
    this.traffic = setInterval(tick, 500);
    this.server = http.createServer(async (_req, res) => {
      if (this.status !== 200) {
        res.writeHead(this.status).end('boom');
        return;
      }
      res.writeHead(200, { 'content-type': m.registry.contentType });
      res.end(await m.registry.metrics());
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }
  async close(): Promise<void> {
    clearInterval(this.traffic);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
