// doctor's judgements that need no engine: known-bad Engine and Compose versions, the GPU as the
// exporter would see it, clock skew, and the exit code (3 only for what would make `up` fail).
// The whole command runs against the real engine in test/e2e/first-ten.test.ts.
import { describe, expect, it } from 'vitest';
import { clockFinding, fromPreflight, gpuFinding, type Finding } from '../src/doctor/doctor.js';
import { doctorExitCode, doctorSummary } from '../src/doctor/report.js';
import type { EngineInfo } from '../src/runtime/engine.js';
import { compareVersions, composeCheck, engineCheck, gpuRuntimeCheck } from '../src/runtime/preflight.js';
import type { StackManifest } from '../src/render/manifest.js';

const info = (over: Partial<EngineInfo> = {}): EngineInfo => ({ serverVersion: '27.3.1', architecture: 'aarch64', os: 'DGX OS 7', runtimes: ['runc'], cdiSpecDirs: [], dockerRootDir: '/nonexistent', ...over });

describe('versions obsctl needs', () => {
  it('compares numerically, ignoring distribution suffixes', () => {
    expect(compareVersions('2.9.0', '2.17')).toBe(-1);
    expect(compareVersions('2.26.1-4', '2.17')).toBe(1);
    expect(compareVersions('20.10.24+dfsg1', '20.10')).toBe(1);
    expect(compareVersions('v2.17.0', '2.17')).toBe(0);
  });

  it('Compose without up --wait-timeout (< 2.17) or v1 is a problem with a fix; 2.26 is fine', () => {
    expect(fromPreflight(composeCheck('2.16.0'))).toMatchObject({ status: 'problem', detail: expect.stringContaining('--wait-timeout'), fix: expect.stringContaining('2.17') });
    expect(fromPreflight(composeCheck('1.29.2')).status).toBe('problem');
    expect(fromPreflight(composeCheck(undefined)).detail).toContain('missing');
    expect(fromPreflight(composeCheck('2.26.1-4'))).toEqual({ name: 'docker compose', status: 'ok', detail: 'Compose 2.26.1-4' });
  });

  it('an Engine older than 20.10 (no host-gateway) is a problem', () => {
    expect(fromPreflight(engineCheck(info({ serverVersion: '19.03.15' })))).toMatchObject({ status: 'problem', fix: expect.stringContaining('20.10') });
    expect(fromPreflight(engineCheck(info())).detail).toBe('Docker 27.3.1 on DGX OS 7 (arm64)');
  });
});

describe('the GPU', () => {
  const manifest = (profile: 'nvidia' | 'gb10', simulated = false) => ({ gpu: { profile, contentProfile: profile, simulated, profiling: false, counters: ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_GPU_TEMP'] } }) as unknown as StackManifest;

  it('no runtime: a problem only when the stack runs the real exporter, a warning with the fix otherwise', () => {
    expect(fromPreflight(gpuRuntimeCheck(info(), true))).toMatchObject({ status: 'problem', fix: expect.stringContaining('nvidia-ctk runtime configure') });
    expect(fromPreflight(gpuRuntimeCheck(info(), false))).toMatchObject({ status: 'warning', fix: expect.stringContaining('NVIDIA Container Toolkit') });
    expect(fromPreflight(gpuRuntimeCheck(info({ runtimes: ['runc', 'nvidia'] }), true)).status).toBe('ok');
  });

  it('says what the exporter would report, and a profile that does not match the hardware', () => {
    expect(gpuFinding({ profile: 'gb10', detail: 'NVIDIA GB10' }, manifest('gb10'), true)).toMatchObject({ status: 'ok', detail: expect.stringContaining('would report 2 DCGM fields for profile gb10: DCGM_FI_DEV_GPU_UTIL') });
    expect(gpuFinding({ profile: 'none', detail: 'nvidia-smi not available' }, manifest('nvidia'), true)).toMatchObject({ status: 'problem', fix: expect.stringContaining('gpu: none') });
    expect(gpuFinding({ profile: 'gb10', detail: 'NVIDIA GB10' }, manifest('nvidia'), true)).toMatchObject({ status: 'warning', fix: 'Set gpu: gb10 (or auto) in obsctl.yaml.' });
    expect(gpuFinding({ profile: 'none', detail: 'nvidia-smi not available' }, manifest('nvidia', true), true).status).toBe('ok');
  });
});

describe('clock and verdict', () => {
  it('a skew beyond 2 s (after the time the answer took) is a warning', () => {
    const t = Date.parse('2026-12-01T12:00:00Z');
    expect(clockFinding(info({ systemTime: '2026-12-01T12:00:05Z' }), t)).toMatchObject({ status: 'warning', detail: expect.stringContaining('5.0 s') });
    expect(clockFinding(info({ systemTime: '2026-12-01T12:00:02.5Z' }), t, 1).status).toBe('ok');
    expect(clockFinding(info(), t).status).toBe('warning');
  });

  it('exits 3 only for problems', () => {
    const ok: Finding = { name: 'a', status: 'ok', detail: '' };
    const w: Finding = { name: 'b', status: 'warning', detail: '', fix: 'x' };
    expect(doctorExitCode([ok, w])).toBe(0);
    expect(doctorExitCode([ok, { ...w, status: 'problem' }])).toBe(3);
    expect(doctorSummary([ok, w])).toBe('1 ok, 1 warning, 0 problems: nothing here stops `obsctl up`');
  });
});
