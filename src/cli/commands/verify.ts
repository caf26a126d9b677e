// obsctl verify: is this stack actually observing? Evidence for each check, exit 1 on any failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errors } from '../../errors.js';
import { applyWrite, planWrite } from '../../render/write.js';
import { DockerodeEngine, type Engine } from '../../runtime/engine.js';
import { serviceUrls } from '../../runtime/lifecycle.js';
import { validateStack } from '../../validate/index.js';
import { alertmanagerConnected, syntheticAlert } from '../../verify/checks/alerting.js';
import { dashboardChecks } from '../../verify/checks/dashboards.js';
import { grafanaChecks } from '../../verify/checks/grafana.js';
import { envVarFor } from '../../render/secrets.js';
import { SecretsFile } from '../../runtime/secrets-store.js';
import { metricChecks } from '../../verify/checks/metrics.js';
import { ruleChecks } from '../../verify/checks/rules.js';
import { containerChecks, readinessChecks } from '../../verify/checks/services.js';
import { inventoryChecks, targetChecks } from '../../verify/checks/targets.js';
import { expectedFromManifest, seconds } from '../../verify/expected.js';
import { readManifest, stackDir } from '../../runtime/stack-dir.js';
import { githubAnnotations, humanReport, jsonReport, junitReport, summaryLine } from '../../verify/report.js';
import { runOnce, runUntil, type CheckGroup } from '../../verify/run.js';
import type { VerifyCheck } from '../../verify/types.js';
import { judge, runThroughWarmup, throttledProgress, type WarmupModel } from '../../verify/warmup.js';
import { loadWarmupModel, readIfExists } from '../../verify/warmup-source.js';
import { loadConfig } from '../context.js';
import { color, err, out, printJson } from '../output.js';
import { prepareStack } from '../stack.js';
import { stateDir } from './up.js';

export interface VerifyOptions {
  config: string;
  prometheus?: string;
  alertmanager?: string;
  grafana?: string;
  /** A duration to retry failures for; false (--no-wait) judges at once, pending checks included. */
  wait?: string | false;
  static: boolean;
  strict: boolean;
  json: boolean;
  junit?: string;
  timeout: string;
  simulateGpu?: string | boolean;
  host?: string;
}

export async function staticChecks(options: VerifyOptions): Promise<VerifyCheck[]> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const stack = await prepareStack(loaded, options);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-verify-'));
  try {
    applyWrite(dir, stack.result.files, planWrite(dir, stack.result.files));
    const report = await validateStack(dir, { strict: true });
    return [
      { group: 'static', name: 'render', status: 'pass', reason: `${stack.result.files.length} files, profile ${stack.profile}` },
      ...report.checks.map((c): VerifyCheck => ({
        group: 'static',
        name: `${c.name}${c.file ? ` ${c.file}` : ''}`,
        status: c.status === 'skip' ? 'fail' : c.status,
        reason: c.status === 'pass' ? c.detail.split('\n')[0]!.slice(0, 160) : c.detail,
        ...(c.hint ? { hint: c.hint } : {}),
      })),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function liveGroups(options: VerifyOptions): Promise<CheckGroup[]> {
  return (await liveStack(options)).groups;
}

/** The live check groups, and what warm-up needs to know about the stack they check. */
export async function liveStack(options: VerifyOptions): Promise<{ groups: CheckGroup[]; warmup: () => Promise<WarmupModel | undefined> }> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const { config } = loaded;
  // The stack rendered here, else (e.g. verifying a remote stack from CI) what obsctl would render.
  const onDisk = readManifest(stackDir(loaded.dir));
  const prepared = onDisk ? undefined : await prepareStack(loaded, options);
  const manifest = onDisk ?? prepared!.result.manifest;
  const renderedFile = (p: string) => (prepared ? prepared.result.files.find((f) => f.path === p)?.content : readIfExists(path.join(stackDir(loaded.dir), p)));
  const expected = expectedFromManifest(manifest);
  const services = manifest.services.map((s) => s.name);
  const local = serviceUrls(config);
  const urls = {
    prometheus: (options.prometheus ?? local.prometheus).replace(/\/+$/, ''),
    alertmanager: (options.alertmanager ?? local.alertmanager).replace(/\/+$/, ''),
    ...(config.grafana.enabled || options.grafana ? { grafana: (options.grafana ?? local.grafana).replace(/\/+$/, '') } : {}),
  };
  const remote = Boolean(options.prometheus || options.alertmanager || options.grafana);
  let engine: Engine | undefined;
  if (!remote) {
    const e = new DockerodeEngine();
    engine = await e.ping().then(() => e, () => undefined);
  }
  const timeoutMs = (Number.parseInt(options.timeout, 10) || 10) * 1000;
  const grafanaPassword = remote
    ? process.env.OBSCTL_GRAFANA_PASSWORD
    : (new SecretsFile(path.join(stateDir(loaded.dir), 'secrets.env')).get(envVarFor('grafana_admin_password')) ?? process.env.OBSCTL_GRAFANA_PASSWORD);
  const grafanaUser = process.env.OBSCTL_GRAFANA_USER ?? config.grafana.admin_user;
  const groups: CheckGroup[] = [
    { name: 'services', run: async () => [...(await containerChecks(engine, expected, services)), ...(await readinessChecks(urls))] },
    { name: 'targets', run: async () => [...(await targetChecks(urls.prometheus, expected)), ...(await inventoryChecks(urls.prometheus, expected))] },
    { name: 'metrics', run: () => metricChecks(urls.prometheus, expected) },
    { name: 'rules', run: () => ruleChecks(urls.prometheus, expected) },
    { name: 'alerting', run: async () => [await alertmanagerConnected(urls.prometheus), await syntheticAlert(urls.alertmanager, expected, Math.max(3000, timeoutMs - 2000))] },
    { name: 'dashboards', run: () => dashboardChecks(urls.prometheus, expected, config.targets.length > 0) },
    { name: 'grafana', run: () => grafanaChecks(urls.grafana, expected, { user: grafanaUser, ...(grafanaPassword ? { password: grafanaPassword } : {}) }) },
  ];
  return { groups, warmup: () => loadWarmupModel({ manifest, renderedFile, evaluationInterval: config.prometheus.evaluation_interval, prometheus: urls.prometheus, ...(engine ? { engine } : {}) }) };
}

/** The longest verify waits for a new stack's data by itself (--wait sets its own bound). */
const maxWarmupMs = 5 * 60_000;

export async function verify(options: VerifyOptions): Promise<number> {
  const started = Date.now();
  const timeoutMs = (Number.parseInt(options.timeout, 10) || 10) * 1000;
  let checks: VerifyCheck[];
  if (options.static) {
    checks = await staticChecks(options);
  } else {
    const { groups, warmup } = await liveStack(options);
    const model = await warmup();
    if (options.wait === false) {
      checks = judge(await runOnce(groups, timeoutMs), model);
    } else if (!options.wait) {
      checks = await runThroughWarmup(groups, { timeoutMs, maxWaitMs: maxWarmupMs, model, ...(options.json ? {} : { onProgress: throttledProgress((l) => err(color.dim(l))) }) });
    } else {
      const waitMs = seconds(options.wait) * 1000;
      if (!waitMs) throw errors.usage(`--wait ${options.wait} is not a duration`, 'Use e.g. --wait 2m or --wait 30s.');
      checks = await runUntil(groups, {
        timeoutMs,
        waitMs,
        onRound: (c, left) => !options.json && err(color.dim(`waiting (${Math.round(left / 1000)} s left): ${summaryLine(c)}; first failure: ${c.find((x) => x.status === 'fail')?.name}`)),
      });
      checks = judge(checks, model);
    }
  }
  const failed = checks.some((c) => c.status === 'fail') || (options.strict && checks.some((c) => c.status === 'warn' || c.status === 'pending'));
  if (options.junit) fs.writeFileSync(options.junit, junitReport(checks));
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(checks)) out(line);
  if (options.json) printJson(jsonReport(checks, { seconds: (Date.now() - started) / 1000, strict: options.strict }));
  else for (const line of humanReport(checks, color)) out(line);
  return failed ? 1 : 0;
}
