// Reporting logic of validateStack with a fake ToolRunner, and missing tools with PATH emptied.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createExecaToolRunner,
  validateStack,
  type Check,
  type ToolResult,
  type ToolRunner,
  type ToolRunOptions,
} from '../src/validate/index.js';

const VALID = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'validate', 'valid');
const TOOL_CHECKS = [
  'docker compose config',
  'promtool check config',
  'promtool check rules',
  'promtool test rules',
  'amtool check-config',
];
const IN_PROCESS = ['compose schema', 'prometheus rule_files', 'promql parse'];

interface Call {
  cmd: string;
  args: readonly string[];
  opts: ToolRunOptions;
}

/** Answers by `cmd args...` prefix; anything unlisted succeeds with empty output. */
function fakeRunner(answers: Record<string, Partial<ToolResult>>): ToolRunner & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async run(cmd, args, opts) {
      calls.push({ cmd, args, opts });
      const line = [cmd, ...args].join(' ');
      const hit = Object.keys(answers)
        .filter((k) => line.startsWith(k))
        .sort((a, b) => b.length - a.length)[0];
      const base: ToolResult = { exitCode: 0, stdout: line.endsWith('version --short') ? '2.26.1\n' : '', stderr: '' };
      return { ...base, ...(hit ? answers[hit] : {}) };
    },
  };
}

const notFound: Partial<ToolResult> = { exitCode: 127, notFound: true, stderr: 'not found' };
const byName = (checks: Check[], name: string) => checks.filter((c) => c.name === name);

describe('missing tools (fake runner)', () => {
  const runner = () =>
    fakeRunner({ 'promtool': notFound, 'amtool': notFound, 'docker': notFound });

  it('skips each tool check once, naming the tool and how to install it', async () => {
    const report = await validateStack(VALID, { strict: false, tools: runner() });
    expect(report.ok).toBe(true);
    for (const name of TOOL_CHECKS) {
      const checks = byName(report.checks, name);
      expect(checks, name).toHaveLength(1);
      expect(checks[0]!.status).toBe('skip');
    }
    const promtool = byName(report.checks, 'promtool check rules')[0]!;
    expect(promtool.detail).toBe('promtool unavailable: promtool not found on PATH (1 rule file(s) not checked)');
    expect(promtool.hint).toContain('apt-get install prometheus');
    expect(byName(report.checks, 'amtool check-config')[0]!.hint).toContain('apt-get install prometheus-alertmanager');
    const compose = byName(report.checks, 'docker compose config')[0]!;
    expect(compose.detail).toContain('docker not found on PATH');
    expect(compose.hint).toMatch(/Docker Engine.*Compose v2 plugin/);
    for (const name of IN_PROCESS) for (const c of byName(report.checks, name)) expect(c.status).toBe('pass');
  });

  it('fails them under strict', async () => {
    const report = await validateStack(VALID, { strict: true, tools: runner() });
    expect(report.ok).toBe(false);
    for (const name of TOOL_CHECKS) expect(byName(report.checks, name).map((c) => c.status)).toEqual(['fail']);
  });

  it('treats docker without the compose plugin, or Compose v1, as missing', async () => {
    const noPlugin = fakeRunner({
      'docker compose version': { exitCode: 1, stderr: "docker: 'compose' is not a docker command.\n" },
    });
    const a = byName((await validateStack(VALID, { strict: false, tools: noPlugin })).checks, 'docker compose config')[0]!;
    expect(a.status).toBe('skip');
    expect(a.detail).toContain("docker: 'compose' is not a docker command.");
    const v1 = fakeRunner({ 'docker compose version': { stdout: '1.29.2\n' } });
    const b = byName((await validateStack(VALID, { strict: true, tools: v1 })).checks, 'docker compose config')[0]!;
    expect(b.status).toBe('fail');
    expect(b.detail).toContain('version "1.29.2", need Compose v2');
  });
});

describe('tool results (fake runner)', () => {
  it('puts trimmed tool output into a failed check and keeps the others passing', async () => {
    const runner = fakeRunner({
      'amtool check-config': {
        exitCode: 1,
        stdout: "Checking 'alertmanager/alertmanager.yml'  FAILED: undefined receiver \"x\" used in route\n\n",
        stderr: '\u001b[31mamtool: error: failed to validate 1 file(s)\u001b[0m\n\n',
      },
    });
    const report = await validateStack(VALID, { strict: true, tools: runner });
    expect(report.ok).toBe(false);
    const am = byName(report.checks, 'amtool check-config')[0]!;
    expect(am).toMatchObject({ status: 'fail', file: 'alertmanager/alertmanager.yml' });
    expect(am.detail).toBe(
      "Checking 'alertmanager/alertmanager.yml'  FAILED: undefined receiver \"x\" used in route\n" +
        'amtool: error: failed to validate 1 file(s)',
    );
    expect(report.checks.filter((c) => c.status === 'fail')).toHaveLength(1);
  });

  it('caps very long output', async () => {
    const runner = fakeRunner({ 'promtool test rules': { exitCode: 1, stderr: 'x'.repeat(10_000) } });
    const report = await validateStack(VALID, { strict: true, tools: runner });
    const detail = byName(report.checks, 'promtool test rules')[0]!.detail;
    expect(detail.length).toBeLessThan(4100);
    expect(detail).toMatch(/… \(6000 more characters\)$/);
  });

  it('runs the tools from the stack dir with stack-relative paths and the documented flags', async () => {
    const runner = fakeRunner({});
    await validateStack(VALID, { strict: true, tools: runner });
    const lines = runner.calls.map((c) => [c.cmd, ...c.args].join(' '));
    expect(lines).toEqual(
      expect.arrayContaining([
        'promtool check config --syntax-only prometheus/prometheus.yml',
        'promtool check rules prometheus/rules/gpu-temperature.rules.yml',
        'promtool test rules prometheus/tests/gpu-temperature.test.yml',
        'amtool check-config alertmanager/alertmanager.yml',
        `docker compose -f ${path.join(VALID, 'compose.yaml')} --project-directory ${VALID} config -q`,
      ]),
    );
    for (const c of runner.calls) expect(c.opts.cwd).toBe(VALID);
  });

  it('gives docker compose dummy values for the secrets.*.environment variables, in the child env only', async () => {
    const runner = fakeRunner({});
    delete process.env.OBSCTL_SECRET_WEBHOOK_TOKEN;
    await validateStack(VALID, { strict: true, tools: runner });
    const call = runner.calls.find((c) => c.args.includes('config') && c.cmd === 'docker')!;
    expect(Object.keys(call.opts.env ?? {}).sort()).toEqual(['OBSCTL_SECRET_SCRAPE_TOKEN', 'OBSCTL_SECRET_WEBHOOK_TOKEN']);
    expect(process.env.OBSCTL_SECRET_WEBHOOK_TOKEN).toBeUndefined();
  });

  it('reports a missing stack directory as one failed check', async () => {
    const report = await validateStack(path.join(VALID, 'nope'), { strict: false, tools: fakeRunner({}) });
    expect(report.ok).toBe(false);
    expect(report.checks).toMatchObject([{ name: 'stack directory', status: 'fail' }]);
  });
});

describe('missing tools with PATH emptied (execa runner)', () => {
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(os.tmpdir(), 'obsctl-empty-path-'));
  });
  afterAll(async () => {
    await rm(emptyDir, { recursive: true, force: true });
  });
  const tools = () => createExecaToolRunner({ baseEnv: { ...process.env, PATH: emptyDir } });

  it('skips the tool checks, in-process checks still pass', async () => {
    const report = await validateStack(VALID, { strict: false, tools: tools() });
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.status === 'skip').map((c) => c.name).sort()).toEqual([...TOOL_CHECKS].sort());
    expect(byName(report.checks, 'promtool check config')[0]!.detail).toContain('promtool not found on PATH');
    for (const name of IN_PROCESS) for (const c of byName(report.checks, name)) expect(c.status).toBe('pass');
  });

  it('fails them under strict', async () => {
    const report = await validateStack(VALID, { strict: true, tools: tools() });
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.name).sort()).toEqual([...TOOL_CHECKS].sort());
  });
});
