// `verify`: is the stack observing? Static (render + validate --strict, for pull requests) or live
// (services, targets, series, rules, alert path, dashboards, Grafana) against what the stack's
// manifest says it runs.
import { envVarFor } from '../render/secrets.js';
import { serviceUrls } from '../runtime/lifecycle.js';
import { secretsFilePath, stackDir } from '../runtime/stack-dir.js';
import { alertmanagerConnected, syntheticAlert } from '../verify/checks/alerting.js';
import { dashboardChecks } from '../verify/checks/dashboards.js';
import { grafanaChecks } from '../verify/checks/grafana.js';
import { metricChecks } from '../verify/checks/metrics.js';
import { ruleChecks } from '../verify/checks/rules.js';
import { containerChecks, readinessChecks } from '../verify/checks/services.js';
import { otlpReceiverChecks } from '../verify/checks/otlp.js';
import { hardeningChecks } from '../verify/checks/hardening.js';
import { inventoryChecks, targetChecks } from '../verify/checks/targets.js';
import { agentChecks } from '../verify/checks/agents.js';
import { haEndpoints, replicaChecks } from '../verify/checks/replicas.js';
import { expectedFromManifest } from '../verify/expected.js';
import { runOnce, runUntil, type CheckGroup } from '../verify/run.js';
import type { WarmupModel } from '../verify/warmup.js';
import { loadWarmupModel, readIfExists } from '../verify/warmup-source.js';
import path from 'node:path';
import type { VerifyCheck } from '../verify/types.js';
import type { LoadedConfig } from './config.js';
import type { Ports } from './ports.js';
import { prepareStack, type PreparedStack, type StackOptions } from './stack.js';
import { validate } from './validate.js';

export interface RemoteUrls {
  prometheus?: string;
  alertmanager?: string;
  grafana?: string;
}

export async function staticChecks(ports: Ports, stack: PreparedStack): Promise<VerifyCheck[]> {
  const report = await validate(ports, { stack }, { strict: true });
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
}

/** The live checks. `stack` is what was just rendered (ci); otherwise the stack rendered here, or what obsctl would render. */
export async function liveGroups(ports: Ports, loaded: LoadedConfig, options: StackOptions & { remote: RemoteUrls; timeoutMs: number; stack?: PreparedStack }): Promise<CheckGroup[]> {
  return (await liveStack(ports, loaded, options)).groups;
}

/** The live check groups, and what warm-up needs to know about the stack they check. */
export async function liveStack(ports: Ports, loaded: LoadedConfig, options: StackOptions & { remote: RemoteUrls; timeoutMs: number; stack?: PreparedStack }): Promise<{ groups: CheckGroup[]; warmup: () => Promise<WarmupModel | undefined> }> {
  const { config } = loaded;
  const onDisk = options.stack ? undefined : ports.stackFiles.readManifest(stackDir(loaded.dir));
  const prepared = options.stack ?? (onDisk ? undefined : await prepareStack(ports, loaded, options));
  const manifest = onDisk ?? prepared!.result.manifest;
  const renderedFile = (p: string) => (prepared ? prepared.result.files.find((f) => f.path === p)?.content : readIfExists(path.join(stackDir(loaded.dir), p)));
  const expected = expectedFromManifest(manifest);
  const services = manifest.services.map((s) => s.name);
  const local = serviceUrls(config);
  const { remote } = options;
  const urls = {
    prometheus: (remote.prometheus ?? local.prometheus).replace(/\/+$/, ''),
    alertmanager: (remote.alertmanager ?? local.alertmanager).replace(/\/+$/, ''),
    ...(config.grafana.enabled || remote.grafana ? { grafana: (remote.grafana ?? local.grafana).replace(/\/+$/, '') } : {}),
  };
  const isRemote = Boolean(remote.prometheus || remote.alertmanager || remote.grafana);
  const engine = isRemote ? undefined : await ports.engineIfAvailable();
  const grafanaPassword = isRemote
    ? ports.env.OBSCTL_GRAFANA_PASSWORD
    : (ports.secrets(secretsFilePath(loaded.dir)).get(envVarFor('grafana_admin_password')) ?? ports.env.OBSCTL_GRAFANA_PASSWORD);
  const grafanaUser = ports.env.OBSCTL_GRAFANA_USER ?? config.grafana.admin_user;
  const groups: CheckGroup[] = [
    { name: 'services', run: async () => [...(await containerChecks(engine, expected, services)), ...(await readinessChecks(urls)), ...(await otlpReceiverChecks(urls.prometheus, config.prometheus.otlp.enabled))] },
    { name: 'hardening', run: () => hardeningChecks(engine, expected.project, manifest.services, Math.floor(ports.now() / 1000)) },
    { name: 'targets', run: async () => [...(await targetChecks(urls.prometheus, expected)), ...(await inventoryChecks(urls.prometheus, expected)), ...(await agentChecks(urls.prometheus, expected))] },
    { name: 'metrics', run: () => metricChecks(urls.prometheus, expected) },
    { name: 'rules', run: () => ruleChecks(urls.prometheus, expected) },
    { name: 'alerting', run: async () => [await alertmanagerConnected(urls.prometheus), await syntheticAlert(urls.alertmanager, expected, Math.max(3000, options.timeoutMs - 2000))] },
    { name: 'dashboards', run: () => dashboardChecks(urls.prometheus, expected, config.targets.length > 0) },
    // HA central: each replica, the Alertmanager cluster, the store Grafana reads (none otherwise).
    { name: 'services', run: () => replicaChecks(haEndpoints(manifest.services), expected, config.targets.length > 0) },
    { name: 'grafana', run: () => grafanaChecks(urls.grafana, expected, { user: grafanaUser, ...(grafanaPassword ? { password: grafanaPassword } : {}) }) },
  ];
  return { groups, warmup: () => loadWarmupModel({ manifest, renderedFile, evaluationInterval: config.prometheus.evaluation_interval, prometheus: urls.prometheus, ...(engine ? { engine } : {}) }) };
}

/** Runs the live groups once, or until every check passes or waitMs has passed. */
export function runLive(groups: CheckGroup[], options: { timeoutMs: number; waitMs?: number; onRound?: (checks: VerifyCheck[], leftMs: number) => void }): Promise<VerifyCheck[]> {
  return options.waitMs ? runUntil(groups, { timeoutMs: options.timeoutMs, waitMs: options.waitMs, ...(options.onRound ? { onRound: options.onRound } : {}) }) : runOnce(groups, options.timeoutMs);
}

export const failed = (checks: VerifyCheck[], strict: boolean) => checks.some((c) => c.status === 'fail') || (strict && checks.some((c) => c.status === 'warn' || c.status === 'pending'));
