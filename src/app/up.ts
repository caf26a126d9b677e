// `up` applies its plan: pull what is missing, write the stack, start it with `docker compose up
// --wait`, then reload or restart what kept running with a changed config, and bring Grafana's
// admin password in line with obsctl's secret. A re-run with no change recreates nothing.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { errors } from '../errors.js';
import { envVarFor } from '../render/secrets.js';
import { nudgesAfterUp } from '../runtime/apply-plan.js';
import { diagnose } from '../runtime/diagnose.js';
import { pullImages } from '../runtime/images.js';
import { reloadUrls, serviceUrls } from '../runtime/lifecycle.js';
import { resolveSecrets } from '../runtime/secrets-store.js';
import { secretsFilePath, stateDir } from '../runtime/stack-dir.js';
import type { LoadedConfig } from './config.js';
import { discoverAndApply, type DiscoveryOutcome } from './gpu-discovery.js';
import type { Ports } from './ports.js';
import type { PreparedStack } from './stack.js';
import { planUp, type ListedContainers, type UpPlan } from './up-plan.js';
import { keepLastGood, restoreLastGood, restoredLines } from './rollback.js';

export interface UpOptions {
  pull?: 'missing' | 'always' | 'never';
  /** Seconds to wait for healthy services. */
  timeout: number;
  simulateGpu?: string | boolean;
  /** false (--no-rollback): a stack that fails to become healthy is left as it is, for debugging. */
  rollback?: boolean;
  /** The project's containers listed when `up` connected: planned from, not asked again. */
  listed?: ListedContainers;
}

export interface UpSummary {
  ok: true;
  project: string;
  profile: string;
  seconds: number;
  created: string[];
  recreated: string[];
  reloaded: Record<string, string>;
  services: { service: string; state: string; health: string; id: string }[];
  urls: Record<string, string>;
  generatedSecrets: string[];
  /** What `up` learned of the GPU(s) and whether it re-rendered for it. */
  gpuDiscovery: DiscoveryOutcome;
  grafanaPassword?: string;
  /** Values generated on this run, shown once (never in --json). */
  generated: { name: string; value: string }[];
  secretsFile: string;
  warnings: string[];
}

/** Which Grafana admin password was last applied (so a changed one can be rotated from it). */
const appliedGrafanaPassword = 'OBSCTL_GRAFANA_ADMIN_PASSWORD_APPLIED';

export async function up(ports: Ports, loaded: LoadedConfig, stack: PreparedStack, options: UpOptions): Promise<UpSummary> {
  const started = ports.now();
  const plan = await planUp(ports, loaded, stack, options);
  return applyUp(ports, loaded, stack, plan, options, started);
}

export async function applyUp(ports: Ports, loaded: LoadedConfig, stack: PreparedStack, plan: UpPlan, options: UpOptions, started = ports.now()): Promise<UpSummary> {
  const { config } = loaded;
  const warnings = plan.preflight.filter((c) => !c.ok && !c.fatal).map((c) => `${c.name}: ${c.detail}`);
  for (const w of warnings) ports.out.warn(`warning: ${w}`);
  if (plan.refusal) throw plan.refusal;
  const engine = await ports.engine();
  if (plan.pull.length) {
    try {
      await pullImages(engine, plan.pull, ports.out, ports.tty);
    } catch (e) {
      throw errors.imagePullFailed(plan.pull, (e as Error).message.split('\n')[0] ?? '');
    }
  }
  // Write the new stack only now that it validated and the host is ready.
  ports.stackFiles.apply(plan.dir, stack.result.files, plan.files);
  if (plan.files.create.length) stack.remember();
  const store = ports.secrets(secretsFilePath(loaded.dir));
  const secrets = resolveSecrets(stack.result.secrets, store, ports.env, loaded.dir);
  if (secrets.generated.length) store.save();

  const before = new Map(plan.existing.map((c) => [c.service, c.id]));
  const compose = ports.compose({ name: plan.project, dir: plan.dir, env: secrets.env });
  // A settled plan (the stack runs exactly as rendered, healthy) skips Compose, unless a secret's
  // value changed since Compose last ran: values are not in the rendered files.
  const secretsApplied = path.join(stateDir(loaded.dir), 'secrets-applied.sha256');
  const secretsHash = createHash('sha256').update(JSON.stringify(Object.entries(secrets.env).sort())).digest('hex');
  const skipCompose = plan.settled === true && ports.readText(secretsApplied) === secretsHash;
  if (!skipCompose) {
    const result = await compose.up({ waitSeconds: Math.max(10, options.timeout), progress: ports.tty ? 'auto' : 'plain' });
    if (!result.ok) {
      const diagnosis = await diagnose(engine, compose, plan.project);
      const failure = [...result.stderr.split('\n').filter((l) => /error|unhealthy|failed/i.test(l)).slice(-10), ...diagnosis];
      if (options.rollback !== false) {
        const failedDefinitions = stack.result.manifest.services.map((s) => s.definition);
        const restored = await restoreLastGood(ports, { project: plan.project, stackDir: plan.dir, env: secrets.env, waitSeconds: Math.max(10, options.timeout), failedDefinitions });
        if (restored) throw errors.upRolledBack(failure, restoredLines(restored));
      }
      throw errors.upFailed(failure);
    }
    ports.writeText(secretsApplied, secretsHash);
  }
  const after = skipCompose ? plan.existing : await engine.projectContainers(plan.project, { inspect: false });
  const nudges = nudgesAfterUp(plan.files, before, new Map(after.map((c) => [c.service, c.id])), stack.result.manifest.services);
  const urls = serviceUrls(config);
  const reloaded: Record<string, string> = {};
  const reloadAt = reloadUrls(config, stack.result.manifest.services);
  for (const service of nudges.reload) {
    const url = reloadAt[service];
    if (!url) throw new Error(`up: ${service} reloads its config but publishes no port to reach it`);
    const r = await ports.reload(url);
    if (!r.ok) throw errors.reloadFailed(service, r.detail);
    reloaded[service] = 'reloaded';
  }
  for (const service of nudges.restart) {
    await compose.restart(service);
    reloaded[service] = 'restarted';
  }
  // What the GPU(s) really report: stored, and GPU content re-rendered in place when it differs.
  const gpuDiscovery = await discoverAndApply(ports, loaded, options, stack, plan.dir, urls.prometheus);
  if (gpuDiscovery.status !== 'skipped') ports.out.warn(`GPU capabilities: ${gpuDiscovery.detail}`);
  // The admin password env var only counts on Grafana's first boot: a changed password is applied
  // through Grafana's API, from the one last applied.
  let grafanaPassword: string | undefined;
  const desired = secrets.env[envVarFor('grafana_admin_password')];
  if (config.grafana.enabled && desired && store.get(appliedGrafanaPassword) !== desired) {
    const previous = store.get(appliedGrafanaPassword);
    const outcome = await ports.ensureGrafanaPassword({ url: urls.grafana, user: config.grafana.admin_user, desired, ...(previous ? { previous } : {}) });
    grafanaPassword = outcome.status;
    if (outcome.status === 'failed') ports.out.warn(`warning: Grafana admin password: ${outcome.detail}${outcome.hint ? `\n  hint: ${outcome.hint}` : ''}`);
    else {
      store.set(appliedGrafanaPassword, desired);
      store.save();
    }
  }
  keepLastGood(ports, plan.dir);
  return {
    ok: true,
    project: plan.project,
    profile: stack.profile,
    seconds: (ports.now() - started) / 1000,
    created: after.filter((c) => !before.has(c.service)).map((c) => c.service),
    recreated: after.filter((c) => before.has(c.service) && before.get(c.service) !== c.id).map((c) => c.service),
    reloaded,
    services: after.map((c) => ({ service: c.service, state: c.state, health: c.health ?? '', id: c.id.slice(0, 12) })),
    urls: { prometheus: urls.prometheus, alertmanager: urls.alertmanager, ...(config.grafana.enabled ? { grafana: urls.grafana } : {}) },
    generatedSecrets: secrets.generated.map((g) => g.name),
    gpuDiscovery,
    ...(grafanaPassword ? { grafanaPassword } : {}),
    generated: secrets.generated,
    secretsFile: path.relative(process.cwd(), store.file),
    warnings,
  };
}
