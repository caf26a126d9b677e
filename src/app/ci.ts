// `ci`: the whole proof for a CI runner without a GPU, on ONE loaded config and ONE render:
// validate --strict -> up --simulate-gpu -> verify --wait -> down --volumes.
import { UserError } from '../errors.js';
import type { VerifyCheck } from '../verify/types.js';
import { checkSecrets, type LoadedConfig } from './config.js';
import { down } from './down.js';
import type { Ports } from './ports.js';
import { prepareStack } from './stack.js';
import { up } from './up.js';
import { liveGroups, runLive, staticChecks } from './verify.js';

export interface CiOptions {
  host?: string;
  simulateGpu?: string | true;
  waitMs: number;
  timeoutMs: number;
  keep: boolean;
  /** Called as each step starts (the command prints it). */
  onStep?: (step: string) => void;
}

const stepFailure = (name: string, e: unknown): VerifyCheck => ({
  group: 'static',
  name,
  status: 'fail',
  reason: e instanceof UserError ? e.message : `crashed: ${(e as Error).message}`,
  ...(e instanceof UserError && e.details.length ? { evidence: e.details.join('\n') } : {}),
  ...(e instanceof UserError && e.hint ? { hint: e.hint } : {}),
});

export async function ci(ports: Ports, loaded: LoadedConfig, options: CiOptions): Promise<{ checks: VerifyCheck[]; simulatedGpu: string | true }> {
  const step = options.onStep ?? (() => undefined);
  // No GPU on a CI runner: simulate the configured profile (generic NVIDIA when it is auto/none).
  const simulateGpu = options.simulateGpu ?? (loaded.config.gpu === 'gb10' ? 'gb10' : 'nvidia');
  // Rendered for the engine that will run it (healthcheck start_interval from Engine 25), as `up` does.
  const apiVersion = (await ports.engineIfAvailable())?.apiVersion;
  const target = { simulateGpu, ...(options.host ? { host: options.host } : {}), ...(apiVersion ? { engineApiVersion: apiVersion } : {}) };
  const checks: VerifyCheck[] = [];
  step('render + validate --strict');
  const stack = await prepareStack(ports, loaded, target);
  checks.push(...(await staticChecks(ports, stack)));
  let stackUp = false;
  if (!checks.some((c) => c.status === 'fail')) {
    try {
      step(`up --simulate-gpu=${simulateGpu}`);
      stackUp = true; // even a half-started stack needs tearing down
      checkSecrets(loaded, ports.env);
      await up(ports, loaded, stack, { timeout: 180, simulateGpu });
      checks.push({ group: 'services', name: 'up', status: 'pass', reason: 'every service healthy' });
      step(`verify --wait ${options.waitMs / 1000}s`);
      const groups = await liveGroups(ports, loaded, { ...target, stack, remote: {}, timeoutMs: options.timeoutMs });
      checks.push(...(await runLive(groups, { timeoutMs: options.timeoutMs, waitMs: options.waitMs })));
    } catch (e) {
      checks.push(stepFailure('up', e));
    }
  }
  if (stackUp && !options.keep) {
    step('down --volumes');
    try {
      await down(ports, loaded, { ...(options.host ? { host: options.host } : {}), volumes: true, confirm: async () => true });
    } catch (e) {
      checks.push(stepFailure('down', e));
    }
  }
  return { checks, simulatedGpu: simulateGpu };
}
