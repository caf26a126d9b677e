// obsctl gate: GO (0) / NO-GO (1) / cannot tell (3) for a deploy, from the SLOs in obsctl.yaml.
import fs from 'node:fs';
import { errors } from '../../errors.js';
import { serviceUrls } from '../../runtime/lifecycle.js';
import { exitCodeOf, gate, overall, type SloVerdict, type Verdict } from '../../slo/gate.js';
import { gateAnnotations, gateJson, gateJunit, gateLines } from '../../slo/gate-report.js';
import { strictSeconds } from '../../duration.js';
import { durationSeconds } from '../../slo/windows.js';
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
  let slos = config.slos;
  if (options.slo?.length) {
    const unknown = options.slo.filter((n) => !slos.some((s) => s.name === n));
    if (unknown.length) throw errors.usage(`no SLO named ${unknown.join(', ')} in obsctl.yaml`, slos.length ? `SLOs: ${slos.map((s) => s.name).join(', ')}.` : 'Add one under slos: (docs/slo.md).');
    slos = slos.filter((s) => options.slo!.includes(s.name));
  }
  if (slos.length === 0) throw errors.usage('obsctl.yaml has no slos: to gate on', 'Add an SLO under slos: (docs/slo.md).');
  const prometheus = (options.prometheus ?? serviceUrls(config).prometheus).replace(/\/+$/, '');
  const timeoutMs = (Number.parseInt(options.timeout, 10) || 30) * 1000;
  const evaluate = () => gate(prometheus, slos, config, { window: options.window, maxBurn, timeoutMs });

  let verdicts: SloVerdict[] = await evaluate();
  let result: Verdict = overall(verdicts);
  if (options.wait) {
    // Watch a canary: evaluate every --every until --wait has passed; the first NO-GO ends it.
    const deadline = Date.now() + durationSeconds(options.wait) * 1000;
    while (result !== 'no-go' && Date.now() < deadline) {
      if (!options.json) err(color.dim(`gate: ${result === 'go' ? 'GO so far' : 'cannot tell yet'}; watching ${Math.round((deadline - Date.now()) / 1000)} s more`));
      await new Promise((r) => setTimeout(r, Math.min(durationSeconds(options.every) * 1000, Math.max(0, deadline - Date.now()))));
      verdicts = await evaluate();
      result = overall(verdicts);
    }
  }
  if (options.junit) fs.writeFileSync(options.junit, gateJunit(verdicts));
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of gateAnnotations(verdicts)) out(line);
  if (options.json) printJson(gateJson(verdicts, result));
  else for (const line of gateLines(verdicts, result, color)) out(line);
  return exitCodeOf(result);
}
