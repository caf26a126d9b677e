// obsctl gate: GO (0) / NO-GO (1) / cannot tell (3) for a deploy, from the SLOs in obsctl.yaml.
import fs from 'node:fs';
import { errors } from '../../errors.js';
import { serviceUrls } from '../../runtime/lifecycle.js';
import { runGate, selectSlos } from '../../app/gate.js';
import { exitCodeOf } from '../../slo/gate.js';
import { gateAnnotations, gateJson, gateJunit, gateLines } from '../../slo/gate-report.js';
import { strictSeconds } from '../../duration.js';
import { loadConfig } from '../context.js';
import { color, err, out, printJson } from '../output.js';

export interface GateOptions {
  config: string;
  slo?: string[];
  window: string;
  maxBurn: string;
  prometheus?: string;
  wait?: string;
  every: string;
  timeout: string;
  json: boolean;
  junit?: string;
}

const isDuration = (d: string) => (strictSeconds(d) ?? 0) > 0 && !/^\d+(\.\d+)?$/.test(d.trim());

export async function gateCommand(options: GateOptions): Promise<number> {
  const { config } = loadConfig(options.config, { checkSecrets: false });
  for (const [flag, value] of [['--window', options.window], ['--every', options.every], ...(options.wait ? [['--wait', options.wait]] : [])] as const) {
    if (!isDuration(value)) throw errors.usage(`${flag} ${value} is not a duration`, `Use e.g. ${flag} 30m or ${flag} 1h.`);
  }
  const maxBurn = Number(options.maxBurn);
  if (!(maxBurn > 0)) throw errors.usage(`--max-burn ${options.maxBurn} is not a positive number`, 'Use e.g. --max-burn 1 (spending exactly the budget) or 2.');
  const slos = selectSlos(config, options.slo);
  const prometheus = (options.prometheus ?? serviceUrls(config).prometheus).replace(/\/+$/, '');
  const timeoutMs = (Number.parseInt(options.timeout, 10) || 30) * 1000;
  const progress = (line: string) => (options.json ? undefined : err(color.dim(line)));
  const { verdicts, result } = await runGate(config, slos, { prometheus, window: options.window, maxBurn, timeoutMs, every: options.every, progress, ...(options.wait ? { wait: options.wait } : {}) });
  if (options.junit) fs.writeFileSync(options.junit, gateJunit(verdicts));
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of gateAnnotations(verdicts)) out(line);
  if (options.json) printJson(gateJson(verdicts, result));
  else for (const line of gateLines(verdicts, result, color)) out(line);
  return exitCodeOf(result);
}
