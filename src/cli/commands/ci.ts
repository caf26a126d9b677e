// obsctl ci: the whole proof in one command for a CI runner without a GPU:
// render -> validate --strict -> up --simulate-gpu -> verify --wait -> down --volumes.
// One JUnit file and GitHub annotations cover every step; the exit code tells CI the truth.
import fs from 'node:fs';
import { UserError } from '../../errors.js';
import { githubAnnotations, humanReport, jsonReport, junitReport } from '../../verify/report.js';
import { runUntil } from '../../verify/run.js';
import type { VerifyCheck } from '../../verify/types.js';
import { seconds } from '../../verify/expected.js';
import { loadConfig } from '../context.js';
import { color, out, printJson } from '../output.js';
import { down } from './down.js';
import { up } from './up.js';
import { liveGroups, staticChecks } from './verify.js';

export interface CiOptions {
  config: string;
  simulateGpu?: string | boolean;
  host?: string;
  wait: string;
  timeout: string;
  junit?: string;
  keep: boolean;
  json: boolean;
}

const stepFailure = (name: string, e: unknown): VerifyCheck => ({
  group: 'static',
  name,
  status: 'fail',
  reason: e instanceof UserError ? e.message : `crashed: ${(e as Error).message}`,
  ...(e instanceof UserError && e.details.length ? { evidence: e.details.join('\n') } : {}),
  ...(e instanceof UserError && e.hint ? { hint: e.hint } : {}),
});

export async function ci(options: CiOptions): Promise<number> {
  const started = Date.now();
  const say = (line: string) => !options.json && out(color.bold(`obsctl ci: ${line}`));
  const { config } = loadConfig(options.config, { checkSecrets: false });
  // No GPU on a CI runner: simulate the configured profile (generic NVIDIA when it is auto/none).
  const simulateGpu = options.simulateGpu ?? (config.gpu === 'gb10' ? 'gb10' : 'nvidia');
  const checks: VerifyCheck[] = [];

  say('render + validate --strict');
  checks.push(...(await staticChecks({ ...(options.host ? { host: options.host } : {}), config: options.config, static: true, strict: true, json: true, timeout: options.timeout, simulateGpu })));
  let stackUp = false;
  if (!checks.some((c) => c.status === 'fail')) {
    try {
      say(`up --simulate-gpu=${simulateGpu}`);
      const code = await up({ ...(options.host ? { host: options.host } : {}), config: options.config, timeout: '180', simulateGpu, json: options.json, quiet: true });
      stackUp = true;
      checks.push({ group: 'services', name: 'up', status: code === 0 ? 'pass' : 'fail', reason: code === 0 ? 'every service healthy' : `exit ${code}` });
      say(`verify --wait ${options.wait}`);
      const groups = await liveGroups({ ...(options.host ? { host: options.host } : {}), config: options.config, static: false, strict: false, json: true, timeout: options.timeout, simulateGpu });
      checks.push(...(await runUntil(groups, { timeoutMs: (Number.parseInt(options.timeout, 10) || 10) * 1000, waitMs: seconds(options.wait) * 1000 })));
    } catch (e) {
      stackUp = true; // a half-started stack still needs tearing down
      checks.push(stepFailure('up', e));
    }
  }
  if (stackUp && !options.keep) {
    say('down --volumes');
    try {
      await down({ ...(options.host ? { host: options.host } : {}), config: options.config, volumes: true, yes: true, json: true, quiet: true });
    } catch (e) {
      checks.push(stepFailure('down', e));
    }
  }
  if (options.junit) fs.writeFileSync(options.junit, junitReport(checks, 'obsctl ci'));
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(checks)) out(line);
  if (options.json) printJson(jsonReport(checks, { seconds: (Date.now() - started) / 1000, simulatedGpu: simulateGpu }));
  else for (const line of humanReport(checks, color)) out(line);
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}
