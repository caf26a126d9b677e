// The gate use case: which SLOs to judge, and judging them once or, during a canary (--wait),
// again every --every until a NO-GO or the deadline. Printing is the command's.
import type { Config } from '../config/schema.js';
import { errors } from '../errors.js';
import { gate, overall, type SloVerdict, type Verdict } from '../slo/gate.js';
import { durationSeconds } from '../slo/windows.js';

/** The SLOs named by --slo (all when none), refusing an unknown name or an obsctl.yaml without SLOs. */
export function selectSlos(config: Config, names: string[] | undefined): Config['slos'] {
  const slos = config.slos;
  const unknown = (names ?? []).filter((n) => !slos.some((s) => s.name === n));
  if (unknown.length) throw errors.usage(`no SLO named ${unknown.join(', ')} in obsctl.yaml`, slos.length ? `SLOs: ${slos.map((s) => s.name).join(', ')}.` : 'Add one under slos: (docs/slo.md).');
  const chosen = names?.length ? slos.filter((s) => names.includes(s.name)) : slos;
  if (chosen.length === 0) throw errors.usage('obsctl.yaml has no slos: to gate on', 'Add an SLO under slos: (docs/slo.md).');
  return chosen;
}

export interface GateRun {
  prometheus: string;
  window: string;
  maxBurn: number;
  timeoutMs: number;
  /** Keep judging until this duration has passed (a canary); the first NO-GO ends it. */
  wait?: string;
  every: string;
  progress: (line: string) => void;
}

export async function runGate(config: Config, slos: Config['slos'], run: GateRun): Promise<{ verdicts: SloVerdict[]; result: Verdict }> {
  const evaluate = () => gate(run.prometheus, slos, config, { window: run.window, maxBurn: run.maxBurn, timeoutMs: run.timeoutMs });
  let verdicts = await evaluate();
  let result = overall(verdicts);
  if (!run.wait) return { verdicts, result };
  const deadline = Date.now() + durationSeconds(run.wait) * 1000;
  while (result !== 'no-go' && Date.now() < deadline) {
    run.progress(`gate: ${result === 'go' ? 'GO so far' : 'cannot tell yet'}; watching ${Math.round((deadline - Date.now()) / 1000)} s more`);
    await new Promise((r) => setTimeout(r, Math.min(durationSeconds(run.every) * 1000, Math.max(0, deadline - Date.now()))));
    verdicts = await evaluate();
    result = overall(verdicts);
  }
  return { verdicts, result };
}
