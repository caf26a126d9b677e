// obsctl verify: is this stack actually observing? Evidence for each check, exit 1 on any failure.
// A new stack is waited for (bounded) until its data can exist; --no-wait lists such checks as pending.
import { loadConfig } from '../../app/config.js';
import { prepareStack } from '../../app/stack.js';
import { failed, liveStack, runLive, staticChecks } from '../../app/verify.js';
import { summaryLine } from '../../verify/report.js';
import type { VerifyCheck } from '../../verify/types.js';
import { judgeLazily, runThroughWarmup, throttledProgress } from '../../verify/warmup.js';
import { color, err } from '../output.js';
import { printChecks } from '../print-checks.js';
import { realPorts } from '../root.js';

export interface VerifyFlags {
  config: string;
  prometheus?: string;
  alertmanager?: string;
  grafana?: string;
  /** Seconds to retry failures for; false (--no-wait) judges at once, pending checks included. */
  wait?: number | false;
  static: boolean;
  strict: boolean;
  json: boolean;
  junit?: string;
  /** Per-check timeout, seconds. */
  timeout: number;
  simulateGpu?: string | true;
  host?: string;
}

/** The longest verify waits for a new stack's data by itself (--wait sets its own bound). */
const maxWarmupMs = 5 * 60_000;

export async function verifyCommand(flags: VerifyFlags): Promise<number> {
  const started = Date.now();
  const ports = realPorts(flags);
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  const timeoutMs = flags.timeout * 1000;
  let checks: VerifyCheck[];
  if (flags.static) checks = await staticChecks(ports, await prepareStack(ports, loaded, flags));
  else {
    const remote = { ...(flags.prometheus ? { prometheus: flags.prometheus } : {}), ...(flags.alertmanager ? { alertmanager: flags.alertmanager } : {}), ...(flags.grafana ? { grafana: flags.grafana } : {}) };
    const { groups, warmup } = await liveStack(ports, loaded, { ...flags, remote, timeoutMs });
    // The warm-up model (rule files, start times) is read only when a check lacks data.
    const onRound = (c: VerifyCheck[], left: number) => !flags.json && err(color.dim(`waiting (${Math.round(left / 1000)} s left): ${summaryLine(c)}; first failure: ${c.find((x) => x.status === 'fail')?.name}`));
    if (flags.wait === false) checks = await judgeLazily(await runLive(groups, { timeoutMs }), warmup);
    else if (!flags.wait) checks = await runThroughWarmup(groups, { timeoutMs, maxWaitMs: maxWarmupMs, model: warmup, ...(flags.json ? {} : { onProgress: throttledProgress((l) => err(color.dim(l))) }) });
    else checks = await judgeLazily(await runLive(groups, { timeoutMs, waitMs: flags.wait * 1000, onRound }), warmup);
  }
  printChecks(checks, { json: flags.json, ...(flags.junit ? { junit: flags.junit } : {}), meta: { seconds: (Date.now() - started) / 1000, strict: flags.strict } });
  return failed(checks, flags.strict) ? 1 : 0;
}
