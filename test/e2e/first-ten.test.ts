// Issue 20 end to end: the README's "first ten minutes" walk-through, its commands run exactly as
// written (each line through sh, `npx obsctl` being this build of obsctl on Node 22) in a new
// directory against the real engine. The one step between them that is not a command, reviewing
// obsctl.yaml, is where this test points it at the local test images and free ports (no registry
// and no Grafana image here); the intervals stay at their defaults (15 s), so warm-up is real.
// Also: doctor exits 3 for what would make up fail (a port in use), and the $schema resolves.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, dockerUnavailable, editConfig, obsctl, projectLeftovers, repoRoot, skipOrFail, stackPorts, tempProject, useTestStack, type StackPorts } from './harness.js';

const reason = await dockerUnavailable();
if (reason) skipOrFail(reason);

/** The commands between the README's first-ten markers, one per line, comments dropped. */
function walkthrough(): string[] {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const block = /<!-- first-ten:start[^>]*-->\s*```sh\n([\s\S]*?)```\s*<!-- first-ten:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no first-ten block');
  return block[1]!.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

describe.skipIf(Boolean(reason))('the README first ten minutes, on the real engine', () => {
  const dir = tempProject('first-ten');
  const shims = tempProject('first-ten-bin');
  const subnetByte = 50 + (process.pid % 40);
  const steps = walkthrough();
  let ports: StackPorts;
  let project = '';
  // A user logged in over SSH: up's summary gives the tunnel line.
  const env = { ...process.env, NO_COLOR: '1', SSH_CONNECTION: '192.0.2.7 50122 127.0.0.1 22', PATH: `${shims}${path.delimiter}${process.env.PATH}` };
  const run = async (line: string) => {
    const r = await execa('sh', ['-c', line], { cwd: dir, env, reject: false, timeout: 400_000 });
    return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), all: `$ ${line}\n${String(r.stdout)}\n${String(r.stderr)}` };
  };
  /** Seconds since the newest container of the stack started. */
  const stackAgeSeconds = async () => {
    const ids = String((await execa('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`])).stdout).split('\n').filter(Boolean);
    const starts = String((await execa('docker', ['inspect', '--format', '{{.State.StartedAt}}', ...ids])).stdout).split('\n').map((t) => Date.parse(t));
    return Math.round((Date.now() - Math.max(...starts)) / 1000);
  };
  const step = (start: string) => {
    const line = steps.find((s) => s === start || s.startsWith(`${start} `));
    if (!line) throw new Error(`README walk-through has no "${start}" step; steps: ${steps.join(' | ')}`);
    return run(line);
  };

  beforeAll(async () => {
    await buildOnce();
    ports = await stackPorts();
    // `npx obsctl …` runs this build; everything else in a line is the shell's.
    fs.writeFileSync(path.join(shims, 'npx'), `#!/bin/sh\n[ "$1" = obsctl ] || { echo "test shim: only npx obsctl" >&2; exit 127; }\nshift\nexec "${process.execPath}" "${path.join(repoRoot, 'dist/src/cli/bin.js')}" "$@"\n`, { mode: 0o755 });
  });

  afterAll(async () => {
    await obsctl(dir, ['down', '--volumes', '--yes']);
    if (project) expect(await projectLeftovers(project)).toEqual([]);
  });

  it('the walk-through is the seven steps this test checks, in order', () => {
    expect(steps.map((s) => s.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'npx obsctl init',
      'npx obsctl doctor',
      'npx obsctl up',
      'npx obsctl verify',
      'npx obsctl status',
      'npx obsctl logs',
      'npx obsctl down',
    ]);
  });

  it('init: obsctl.yaml whose $schema resolves to the installed schema', async () => {
    const r = await step('npx obsctl init');
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('wrote obsctl.yaml');
    expect(r.stdout).toContain('wrote obsctl.schema.json');
    const ref = /^# yaml-language-server: \$schema=(\S+)/.exec(fs.readFileSync(path.join(dir, 'obsctl.yaml'), 'utf8'))![1]!;
    expect(fs.readFileSync(new URL(ref, `file://${dir}/obsctl.yaml`), 'utf8')).toBe(fs.readFileSync(path.join(repoRoot, 'obsctl.schema.json'), 'utf8'));
    project = path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, '-');
    // The review step: local images, free ports, a private subnet, no Grafana; default intervals.
    editConfig(dir, (set) => {
      useTestStack(set, subnetByte, ports);
      set(['prometheus', 'scrape_interval'], '15s');
      set(['prometheus', 'evaluation_interval'], '15s');
    });
  });

  it('doctor: engine, Compose, no GPU runtime (with the fix), ports and images; exit 0', async () => {
    const r = await step('npx obsctl doctor');
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/✓ docker engine: Docker \d+\.\d+/);
    expect(r.stdout).toMatch(/✓ docker compose: Compose 2\.\d+/);
    expect(r.stdout).toMatch(/! GPU runtime: Docker has no NVIDIA runtime or CDI spec[^\n]*\n\s+fix: To monitor a GPU on this host, install the NVIDIA Container Toolkit/);
    expect(r.stdout).toContain(`✓ ports: free (or this stack's own): prometheus 127.0.0.1:${ports.prometheus}, alertmanager 127.0.0.1:${ports.alertmanager}`);
    expect(r.stdout).toMatch(/✓ image obsctl-test\/prometheus:3\.5: present \((amd64|arm64)\)/);
    expect(r.stdout).toMatch(/✓ clock: host and Docker engine agree/);
    expect(r.stdout).toMatch(/0 problems: nothing here stops `obsctl up`/);
  });

  it('doctor exits 3 when up would fail: a port in use, named with its fix', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.alertmanager, '127.0.0.1', () => resolve()));
    try {
      const r = await obsctl(dir, ['doctor', '--json']);
      expect(r.code, r.stdout).toBe(3);
      const findings = r.json().findings as { name: string; status: string; fix?: string }[];
      expect(findings.find((f) => f.name === `port ${ports.alertmanager}`)).toMatchObject({ status: 'problem', fix: expect.stringContaining('ports.alertmanager') });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('up: healthy, then how to reach the UIs from a laptop and what to run next', async () => {
    const r = await step('npx obsctl up');
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/✓ \S+: 3 services healthy/);
    expect(r.stdout).toContain(`ssh -N -L ${ports.prometheus}:127.0.0.1:${ports.prometheus} -L ${ports.alertmanager}:127.0.0.1:${ports.alertmanager} `);
    expect(r.stdout).toContain('next: obsctl verify');
  });

  it('verify right after up: shows the warm-up, waits, then every check passes', async () => {
    const age = await stackAgeSeconds();
    const r = await step('npx obsctl verify');
    expect(r.code, r.all).toBe(0);
    // 15 s scrapes: the Host dashboard's recording rules have data ~55 s after the start. On a
    // machine so loaded that up took longer than that, there is no warm-up left to show.
    if (age < 40) expect(r.stderr).toMatch(/warming up: the stack started \d+ s ago; \d+ checks? waits? for data/);
    else console.warn(`first-ten: the stack was ${age} s old when verify started; its warm-up was over`);
    expect(r.stdout).toMatch(/\d+ passed, 0 failed, \d+ warned, \d+ skipped\n?$/);
    expect(r.stdout).not.toContain('pending');
  });

  it('status, logs through less (no control sequences), down', async () => {
    const status = await step('npx obsctl status');
    expect(status.code, status.all).toBe(0);
    expect(status.stdout).toMatch(/prometheus\s+running/);
    const logs = await step('npx obsctl logs');
    expect(logs.code, logs.all).toBe(0);
    expect(logs.stdout).toMatch(/prometheus-1\s+\| /);
    expect(logs.stdout).not.toMatch(/\x1b/);
    const down = await step('npx obsctl down');
    expect(down.code, down.all).toBe(0);
  });

  it('verify --no-wait on a seconds-old stack (up again after down): exit 0, pending listed, none failed', async () => {
    const up = await obsctl(dir, ['up']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    const r = await obsctl(dir, ['verify', '--no-wait', '--json']);
    expect(r.code, r.stdout).toBe(0);
    const body = r.json() as { summary: { failed: number; pending: number }; checks: { name: string; status: string; reason: string; readyInSeconds?: number }[] };
    expect(body.summary.failed).toBe(0);
    expect(body.summary.pending).toBeGreaterThan(0);
    for (const c of body.checks.filter((x) => x.status === 'pending')) {
      expect(c.reason).toMatch(/^pending: ready in ~\d+ s \(/);
      expect(c.readyInSeconds).toBeGreaterThan(0);
    }
  });
});
