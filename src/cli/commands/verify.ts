// obsctl verify: is this stack actually observing? Evidence for each check, exit 1 on any failure.
import { loadConfig } from '../../app/config.js';
import { prepareStack } from '../../app/stack.js';
import { failed, liveGroups, runLive, staticChecks } from '../../app/verify.js';
import { summaryLine } from '../../verify/report.js';
import type { VerifyCheck } from '../../verify/types.js';
import { color, err } from '../output.js';
import { printChecks } from '../print-checks.js';
import { realPorts } from '../root.js';

export interface VerifyFlags {
  config: string;
  prometheus?: string;
  alertmanager?: string;
  grafana?: string;
  /** Seconds to retry until every check passes. */
  wait?: number;
  static: boolean;
  strict: boolean;
  json: boolean;
  junit?: string;
  /** Per-check timeout, seconds. */
  timeout: number;
  simulateGpu?: string | true;
  host?: string;
}

export async function verifyCommand(flags: VerifyFlags): Promise<number> {
  const started = Date.now();
  const ports = realPorts(flags);
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  const timeoutMs = flags.timeout * 1000;
  let checks: VerifyCheck[];
  if (flags.static) checks = await staticChecks(ports, await prepareStack(ports, loaded, flags));
  else {
    const remote = { ...(flags.prometheus ? { prometheus: flags.prometheus } : {}), ...(flags.alertmanager ? { alertmanager: flags.alertmanager } : {}), ...(flags.grafana ? { grafana: flags.grafana } : {}) };
    const groups = await liveGroups(ports, loaded, { ...flags, remote, timeoutMs });
    checks = await runLive(groups, {
      timeoutMs,
      ...(flags.wait ? { waitMs: flags.wait * 1000 } : {}),
      onRound: (c, left) => !flags.json && err(color.dim(`waiting (${Math.round(left / 1000)} s left): ${summaryLine(c)}; first failure: ${c.find((x) => x.status === 'fail')?.name}`)),
    });
  }
  printChecks(checks, { json: flags.json, ...(flags.junit ? { junit: flags.junit } : {}), meta: { seconds: (Date.now() - started) / 1000, strict: flags.strict } });
  return failed(checks, flags.strict) ? 1 : 0;
}
