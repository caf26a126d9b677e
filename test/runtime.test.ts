// The pure parts of up, verify and their edges, without Docker.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootMountIsShared } from '../src/runtime/text-files.js';
import { nudgesAfterUp } from '../src/runtime/apply-plan.js';
import { detectGpu, nvidiaSmiQuery, onPath, profileFromNames } from '../src/runtime/gpu-detect.js';
import { portFree, sizeBytes } from '../src/runtime/preflight.js';
import { resolveSecrets, SecretsFile } from '../src/runtime/secrets-store.js';
import { expandVariables, mayBeEmpty } from '../src/verify/checks/dashboards.js';
import { seconds } from '../src/verify/expected.js';
import { githubAnnotations, junitReport, summaryLine } from '../src/verify/report.js';
import type { VerifyCheck } from '../src/verify/types.js';

describe('after docker compose up', () => {
  const plan = (update: string[]) => ({ create: [], update, remove: [], unchanged: [] });
  // As the manifest describes them (grafana/dashboards/ is re-read by Grafana's provider by itself).
  const services = [
    { name: 'prometheus', configDirs: ['prometheus/'], apply: 'reload' as const },
    { name: 'alertmanager', configDirs: ['alertmanager/'], apply: 'reload' as const },
    { name: 'grafana', configDirs: ['grafana/provisioning/'], apply: 'restart' as const },
    { name: 'dcgm-exporter', configDirs: ['dcgm/'], apply: 'restart' as const },
  ];
  it('reloads a kept Prometheus/Alertmanager whose config changed, restarts others, leaves recreated ones alone', () => {
    const before = new Map([['prometheus', 'a'], ['alertmanager', 'b'], ['dcgm-exporter', 'c'], ['grafana', 'd']]);
    const after = new Map([['prometheus', 'a'], ['alertmanager', 'b2'], ['dcgm-exporter', 'c'], ['grafana', 'd']]);
    const n = nudgesAfterUp(plan(['prometheus/rules/x.rules.yml', 'alertmanager/alertmanager.yml', 'dcgm/counters.csv', 'grafana/dashboards/a.json']), before, after, services);
    expect(n).toEqual({ reload: ['prometheus'], restart: ['dcgm-exporter'] });
  });
  it('does nothing when nothing changed', () => {
    const ids = new Map([['prometheus', 'a']]);
    expect(nudgesAfterUp(plan([]), ids, ids, services)).toEqual({ reload: [], restart: [] });
  });
});

describe('secrets', () => {
  it('generates the Grafana password once, stores it 0600, reads env and file references', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-secrets-'));
    fs.writeFileSync(path.join(dir, 'pw'), 'from-file\n');
    const secrets = [
      { name: 'grafana_admin_password', envVar: 'OBSCTL_SECRET_GRAFANA_ADMIN_PASSWORD', source: { generated: true as const }, services: ['grafana'] },
      { name: 'receiver_x_url', envVar: 'OBSCTL_SECRET_RECEIVER_X_URL', source: { env: 'HOOK' }, services: ['alertmanager'] },
      { name: 'target_t_password', envVar: 'OBSCTL_SECRET_TARGET_T_PASSWORD', source: { file: 'pw' }, services: ['prometheus'] },
    ];
    const store = new SecretsFile(path.join(dir, '.obsctl', 'secrets.env'));
    const first = resolveSecrets(secrets, store, { HOOK: 'https://hook' }, dir);
    store.save();
    expect(first.generated).toHaveLength(1);
    expect(first.env).toMatchObject({ OBSCTL_SECRET_RECEIVER_X_URL: 'https://hook', OBSCTL_SECRET_TARGET_T_PASSWORD: 'from-file' });
    expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
    const second = resolveSecrets(secrets, new SecretsFile(store.file), { HOOK: 'https://hook' }, dir);
    expect(second.generated).toHaveLength(0);
    expect(second.env.OBSCTL_SECRET_GRAFANA_ADMIN_PASSWORD).toBe(first.env.OBSCTL_SECRET_GRAFANA_ADMIN_PASSWORD);
    // Each value where its file-sourced Compose secret reads it: 0444 in a 0700 directory.
    const files = path.join(dir, '.obsctl', 'secrets');
    expect(fs.statSync(files).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(path.join(files, 'target_t_password'), 'utf8')).toBe('from-file');
    expect(fs.readFileSync(path.join(files, 'grafana_admin_password'), 'utf8')).toBe(first.env.OBSCTL_SECRET_GRAFANA_ADMIN_PASSWORD);
    expect(fs.statSync(path.join(files, 'receiver_x_url')).mode & 0o777).toBe(0o444);
    // A changed value is rewritten in place (a running container's bind mount sees it).
    const inode = fs.statSync(path.join(files, 'receiver_x_url')).ino;
    resolveSecrets(secrets, new SecretsFile(store.file), { HOOK: 'https://hook2' }, dir);
    expect(fs.readFileSync(path.join(files, 'receiver_x_url'), 'utf8')).toBe('https://hook2');
    expect(fs.statSync(path.join(files, 'receiver_x_url')).ino).toBe(inode);
  });
});

describe('preflight helpers', () => {
  it('reads Prometheus sizes in powers of 1024', () => {
    expect(sizeBytes('20GB')).toBe(20 * 1024 ** 3);
    expect(sizeBytes('512MB')).toBe(512 * 1024 ** 2);
  });
  it('sees a port in use', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    expect(await portFree('127.0.0.1', port)).toBe(false);
    server.close();
  });
  it('knows a shared root mount from mountinfo', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-mi-'));
    fs.writeFileSync(path.join(dir, 'shared'), '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n');
    fs.writeFileSync(path.join(dir, 'private'), '22 1 8:1 / / rw,relatime - overlay overlay rw\n');
    expect(rootMountIsShared(path.join(dir, 'shared'))).toBe(true);
    expect(rootMountIsShared(path.join(dir, 'private'))).toBe(false);
  });
});

describe('GPU detection', () => {
  it('recognises GB10, other NVIDIA GPUs, and none', async () => {
    expect(profileFromNames(['NVIDIA GB10'])).toBe('gb10');
    expect(profileFromNames(['NVIDIA H100 80GB HBM3', 'NVIDIA H100 80GB HBM3'])).toBe('nvidia');
    expect(profileFromNames([])).toBe('none');
    expect((await detectGpu(async () => ({ ok: true, output: 'NVIDIA GB10\n' }))).profile).toBe('gb10');
    expect((await detectGpu(async () => ({ ok: false, output: 'nvidia-smi: not found' }))).profile).toBe('none');
  });

  it('asks the nvidia-smi found on PATH, and answers without a spawn when PATH has none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-gpu-'));
    try {
      const bin = path.join(dir, 'bin');
      const empty = path.join(dir, 'empty');
      fs.mkdirSync(bin);
      fs.mkdirSync(empty);
      fs.writeFileSync(path.join(bin, 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA GB10"\n', { mode: 0o755 });
      const withSmi = { ...process.env, PATH: [empty, bin, '/usr/bin', '/bin'].join(path.delimiter) };
      expect(onPath('nvidia-smi', withSmi)).toBe(true);
      expect(await detectGpu(() => nvidiaSmiQuery(withSmi))).toEqual({ profile: 'gb10', detail: 'NVIDIA GB10' });
      const without = { ...process.env, PATH: [empty, path.join(dir, 'missing'), path.join(bin, 'nvidia-smi', 'x')].join(path.delimiter) };
      expect(onPath('nvidia-smi', without)).toBe(false);
      expect(await detectGpu(() => nvidiaSmiQuery(without))).toEqual({ profile: 'none', detail: 'nvidia-smi not available' });
      expect(onPath('nvidia-smi', {})).toBeUndefined(); // no PATH: the spawn decides, as before
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('verify building blocks', () => {
  it('expands Grafana variables the way "All" would', () => {
    expect(expandVariables('rate(x{instance=~"$instance",gpu=~"${gpu}"}[$__rate_interval])')).toBe('rate(x{instance=~".+",gpu=~".+"}[1m])');
  });
  it('knows panels that are right to be empty', () => {
    expect(mayBeEmpty('ALERTS{alertstate="firing"}')).toBe(true);
    expect(mayBeEmpty('DCGM_FI_DEV_GPU_TEMP')).toBe(false);
  });
  it('parses durations', () => {
    expect(seconds('1m30s')).toBe(90);
    expect(seconds('2h')).toBe(7200);
  });
  const checks: VerifyCheck[] = [
    { group: 'targets', name: 'job node-exporter', status: 'fail', reason: 'http://x is down: connection refused', hint: 'start it' },
    { group: 'rules', name: 'firing alerts', status: 'warn', reason: '1 firing: HostOOMKill' },
    { group: 'services', name: 'prometheus ready', status: 'pass', reason: 'ok', durationMs: 12 },
    { group: 'dashboards', name: 'dashboard App', status: 'skip', reason: 'no app targets' },
  ];
  it('summarises and writes JUnit XML with failures and skips', () => {
    expect(summaryLine(checks)).toBe('1 passed, 1 failed, 1 warned, 1 skipped');
    const xml = junitReport(checks);
    expect(xml).toContain('tests="4" failures="1" skipped="1"');
    expect(xml).toContain('<failure message="http://x is down: connection refused" type="targets">');
    expect(xml).toContain('<skipped message="no app targets"/>');
  });
  it('prints GitHub annotations for failures and warnings', () => {
    expect(githubAnnotations(checks)).toEqual([
      '::error title=obsctl verify: job node-exporter::http://x is down: connection refused (hint: start it)',
      '::warning title=obsctl verify: firing alerts::1 firing: HostOOMKill',
    ]);
  });
});
