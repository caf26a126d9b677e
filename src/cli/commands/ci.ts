// obsctl ci: the whole proof in one command for a CI runner without a GPU:
// render -> validate --strict -> up --simulate-gpu -> verify --wait -> down --volumes.
// One JUnit file and GitHub annotations cover every step; the exit code tells CI the truth.
import { ci } from '../../app/ci.js';
import { loadConfig } from '../../app/config.js';
import { color, out } from '../output.js';
import { printChecks } from '../print-checks.js';
import { realPorts } from '../root.js';

export interface CiFlags {
  config: string;
  simulateGpu?: string | true;
  host?: string;
  /** Seconds verify may wait for first scrapes and rules. */
  wait: number;
  /** Per-check timeout, seconds. */
  timeout: number;
  junit?: string;
  keep: boolean;
  json: boolean;
}

export async function ciCommand(flags: CiFlags): Promise<number> {
  const started = Date.now();
  const ports = realPorts({ json: flags.json, quiet: true });
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  const { checks, simulatedGpu } = await ci(ports, loaded, {
    ...flags,
    waitMs: flags.wait * 1000,
    timeoutMs: flags.timeout * 1000,
    onStep: (step) => !flags.json && out(color.bold(`obsctl ci: ${step}`)),
  });
  printChecks(checks, { json: flags.json, ...(flags.junit ? { junit: flags.junit, suite: 'obsctl ci' } : {}), meta: { seconds: (Date.now() - started) / 1000, simulatedGpu } });
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}
