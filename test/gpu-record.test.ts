// `obsctl gpu record` against a fake dcgm-exporter on 127.0.0.1 (a fake, since no GPU runs here:
// it serves the real recorded T4 output, with the pod/namespace/hostname labels a Kubernetes
// exporter adds, and an XID series that appears only from the second scrape on), then the
// recording replayed by the real simulator script (templates/dcgm-sim) as `--simulate-gpu=FILE` runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesFromExposition } from '../src/render/capabilities.js';
import { parseExposition } from '../src/render/exposition.js';
import { loadRecording } from '../src/runtime/gpu-recording.js';
import { runCli } from './helpers/cli.js';
import { dcgmFixtureDir } from './helpers/shared.js';

const t4 = fs.readFileSync(path.join(dcgmFixtureDir, 't4-dcgm-exporter.prom'), 'utf8');
// What a Kubernetes dcgm-exporter serves: the new lower-case hostname label, pod attribution.
const served = t4
  .replace(/Hostname="[^"]*"/g, 'hostname="gpu-node-7.corp.example"')
  .replace(/DCGM_FI_DRIVER_VERSION="460.106.00"/g, 'DCGM_FI_DRIVER_VERSION="460.106.00",container="trainer",namespace="team-a",pod="trainer-0"')
  .split('\n')
  .filter((l) => !l.includes('DCGM_FI_DEV_XID_ERRORS'))
  .join('\n');
const xid = '# HELP DCGM_FI_DEV_XID_ERRORS Value of the last XID error encountered.\n# TYPE DCGM_FI_DEV_XID_ERRORS gauge\nDCGM_FI_DEV_XID_ERRORS{gpu="0",UUID="GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e",device="nvidia0",modelName="Tesla T4",hostname="gpu-node-7.corp.example",err_code="79",err_msg="GPU has fallen off the bus"} 79\n';

let server: http.Server;
let url = '';
let scrapes = 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-gpu-record-'));
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(scrapes > 1 ? `${served}\n${xid}` : served);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(() => {
  server.close();
  for (const c of children) c.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('obsctl gpu record', () => {
  const file = path.join(dir, 'recorded.prom');

  it('records several scrapes into one file, without pod/namespace/hostname labels', async () => {
    const r = await runCli(['gpu', 'record', '--url', url, '--out', file, '--duration', '1s', '--interval', '300ms', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { scrapes: number; series: number; fields: string[]; gpu: string };
    expect(summary.scrapes).toBeGreaterThanOrEqual(2);
    expect(summary.gpu).toBe('Tesla T4');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/hostname=|Hostname=|pod=|namespace=|container=|corp\.example|team-a/);
    // The XID series that appeared in a later scrape is kept, with its error labels.
    expect(text).toContain('err_code="79"');
    const caps = capabilitiesFromExposition(text);
    expect(caps.fields).toEqual([...capabilitiesFromExposition(t4).fields]);
    expect(parseExposition(text).types.get('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION')).toBe('counter');
  });

  it('keeps the identifying labels with --keep-labels', async () => {
    const kept = path.join(dir, 'kept.prom');
    const r = await runCli(['gpu', 'record', '--url', url, '--out', kept, '--duration', '0s', '--keep-labels']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(kept, 'utf8')).toContain('pod="trainer-0"');
  });

  it('says what to do when nothing answers there (exit 3)', async () => {
    const r = await runCli(['gpu', 'record', '--url', 'http://127.0.0.1:9/metrics', '--duration', '0s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Cannot read http:\/\/127\.0\.0\.1:9\/metrics/);
  });

  it('replays: the simulator serves every recorded field and label, with moving values', async () => {
    const rec = loadRecording(file);
    expect(rec.profile).toBe('nvidia');
    const port = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const sim = spawn(process.execPath, [path.join(import.meta.dirname, '..', 'templates', 'dcgm-sim', 'dcgm-simulator.mjs')], {
      env: { ...process.env, SIM_PROFILE: 'replay', SIM_PORT: String(port), SIM_RECORDED: file },
      stdio: 'pipe',
    });
    children.push(sim);
    await new Promise<void>((resolve, reject) => {
      sim.stdout!.on('data', (d: Buffer) => String(d).includes('dcgm-simulator') && resolve());
      sim.on('exit', (code) => reject(new Error(`simulator exited ${code}`)));
    });
    const scrape = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parseExposition(await res.text());
    };
    const first = await scrape();
    await new Promise((r) => setTimeout(r, 1500));
    const second = await scrape();
    expect(new Set(first.samples.map((s) => s.name))).toEqual(new Set(rec.recording.capabilities.fields));
    const util = (e: ReturnType<typeof parseExposition>) => e.samples.find((s) => s.name === 'DCGM_FI_DEV_GPU_UTIL')!;
    expect(util(first).labels).toMatchObject({ gpu: '0', modelName: 'Tesla T4', UUID: 'GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e' });
    const energy = (e: ReturnType<typeof parseExposition>) => e.samples.find((s) => s.name === 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION')!.value;
    expect(energy(second)).toBeGreaterThan(energy(first));
    expect(util(first).value).toBeGreaterThanOrEqual(0);
    expect(util(first).value).toBeLessThanOrEqual(100);
    const fb = (e: ReturnType<typeof parseExposition>, f: string) => e.samples.find((s) => s.name === f)!.value;
    // Framebuffer total stays what the GPU has (15109 MiB on the T4), split between used and free.
    expect(fb(second, 'DCGM_FI_DEV_FB_USED') + fb(second, 'DCGM_FI_DEV_FB_FREE')).toBe(15109);
    expect(second.samples.find((s) => s.name === 'DCGM_FI_DEV_XID_ERRORS')?.labels.err_code).toBe('79');
  }, 20_000);
});
