// obsctl up: render -> validate -> preflight -> images -> docker compose up --wait -> reload what
// changed in place. Running it again with no change recreates nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, UserError } from '../../errors.js';
import { applyWrite, planWrite } from '../../render/write.js';
import { nudgesAfterUp } from '../../runtime/apply-plan.js';
import { ComposeCli } from '../../runtime/compose-cli.js';
import { diagnose } from '../../runtime/diagnose.js';
import { missingImages, pullImages } from '../../runtime/images.js';
import { reload, serviceUrls } from '../../runtime/lifecycle.js';
import { connectEngine, preflight, publishedPorts } from '../../runtime/preflight.js';
import { resolveSecrets, SecretsFile } from '../../runtime/secrets-store.js';
import { validateStack } from '../../validate/index.js';
import { ensureAdminPassword, GrafanaClient } from '../../grafana/index.js';
import { envVarFor } from '../../render/secrets.js';
import { loadConfig } from '../context.js';
import { passwordWhere, upSummary } from '../up-summary.js';
import { color, err, out, printJson } from '../output.js';
import { chooseHost, prepareStack } from '../stack.js';
import { discoverAndApply } from '../gpu-discovery-step.js';
import { projectName } from '../../render/inventory.js';

export interface UpOptions {
  config: string;
  pull?: 'missing' | 'always' | 'never';
  timeout: string;
  simulateGpu?: string | boolean;
  host?: string;
  json: boolean;
  /** Print nothing on success (obsctl ci reports for it). */
  quiet?: boolean;
}

export const stateDir = (configDir: string) => path.join(configDir, '.obsctl');
/** Which Grafana admin password was last applied (so a changed one can be rotated from it). */
const appliedGrafanaPassword = 'OBSCTL_GRAFANA_ADMIN_PASSWORD_APPLIED';

export async function up(options: UpOptions): Promise<number> {
  const started = Date.now();
  const say = (line: string) => (options.json || options.quiet ? undefined : out(line));
  const loaded = loadConfig(options.config, { checkSecrets: true });
  for (const w of loaded.warnings) err(color.yellow(w));
  const stack = await prepareStack(loaded, options);
  for (const n of stack.notes) say(color.dim(n));
  const { config } = loaded;
  const project = projectName(config, chooseHost(loaded, options.host));
  const dir = path.join(stateDir(loaded.dir), 'stack');
  const plan = planWrite(dir, stack.result.files);
  const changed = plan.create.length + plan.update.length + plan.remove.length > 0;

  // Validate what is about to run, unless it is exactly what ran (and was validated) last time.
  if (changed) {
    fs.mkdirSync(stateDir(loaded.dir), { recursive: true, mode: 0o700 });
    const staging = fs.mkdtempSync(path.join(stateDir(loaded.dir), 'validate-'));
    try {
      applyWrite(staging, stack.result.files, planWrite(staging, stack.result.files));
      const report = await validateStack(staging, { strict: false });
      const failed = report.checks.filter((c) => c.status === 'fail');
      if (failed.length) {
        throw new UserError('STACK_INVALID', 'The rendered stack failed validation; nothing was changed.', 'Run `obsctl validate` for the full report.', ExitCode.checksFailed, failed.map((c) => `${c.name}: ${c.detail}`));
      }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

  const engine = await connectEngine();
  const { manifest } = stack.result;
  const images = manifest.images;
  const existing = await engine.projectContainers(project);
  const ports = publishedPorts(manifest, config, existing);
  const checks = await preflight({ config, engine, gpu: stack.profile !== 'none' && config.exporters.dcgm.enabled, simulateGpu: Boolean(options.simulateGpu), images, existing, ports, firstRun: existing.length === 0 });
  const fatal = checks.filter((c) => !c.ok && c.fatal);
  for (const c of checks.filter((c) => !c.ok && !c.fatal)) err(color.yellow(`warning: ${c.name}: ${c.detail}`));
  if (fatal.length) {
    throw new UserError('PREFLIGHT_FAILED', `${fatal.length} preflight check${fatal.length > 1 ? 's' : ''} failed; nothing was changed.`, fatal.map((c) => c.hint).filter(Boolean).join(' '), ExitCode.environment, fatal.map((c) => `${c.name}: ${c.detail}`));
  }

  const pull = options.pull ?? config.images.pull_policy;
  const missing = await missingImages(engine, images);
  if (missing.length && pull === 'never') {
    throw new UserError('IMAGES_MISSING', `${missing.length} image${missing.length > 1 ? 's are' : ' is'} missing and pulling is off (--pull never).`, 'Load them with `obsctl images load FILE` (made by `obsctl images save` on a connected host), or allow pulls.', ExitCode.environment, missing.map((m) => `missing: ${m}`));
  }
  if (missing.length) {
    try {
      await pullImages(engine, missing, Boolean(process.stdout.isTTY) && !options.json, (l) => say(l));
    } catch (e) {
      throw new UserError('IMAGE_PULL_FAILED', `Could not pull ${missing.length} missing image${missing.length > 1 ? 's' : ''}: ${(e as Error).message.split('\n')[0]}`, 'Check the network and registry access (docker login for private registries), set images.registry to a mirror, or load an archive made elsewhere with `obsctl images load`.', ExitCode.environment, missing.map((m) => `missing: ${m}`));
    }
  }

  // Write the new stack only now that it validated and the host is ready.
  applyWrite(dir, stack.result.files, plan);
  const store = new SecretsFile(path.join(stateDir(loaded.dir), 'secrets.env'));
  const secrets = resolveSecrets(stack.result.secrets, store, process.env, loaded.dir);
  if (secrets.generated.length) store.save();

  const before = new Map(existing.map((c) => [c.service, c.id]));
  const cli = new ComposeCli({ name: project, dir, env: secrets.env });
  const waitSeconds = Math.max(10, Number.parseInt(options.timeout, 10) || 180);
  const result = await cli.up({ pull: 'never', waitSeconds, progress: process.stdout.isTTY && !options.json ? 'auto' : 'plain', inherit: false });
  if (!result.ok) {
    const diagnosis = await diagnose(engine, cli, project);
    throw new UserError('UP_FAILED', 'docker compose up did not bring every service to healthy.', 'Fix the service named above, then run `obsctl up` again; `obsctl logs SERVICE` shows more.', ExitCode.checksFailed, [
      ...result.stderr.split('\n').filter((l) => /error|unhealthy|failed/i.test(l)).slice(-10),
      ...diagnosis,
    ]);
  }
  const after = await engine.projectContainers(project);
  const afterIds = new Map(after.map((c) => [c.service, c.id]));
  const nudges = nudgesAfterUp(plan, before, afterIds);
  const urls = serviceUrls(config);
  const reloads: Record<string, string> = {};
  for (const service of nudges.reload) {
    const r = await reload(urls[service as 'prometheus' | 'alertmanager']);
    reloads[service] = r.ok ? 'reloaded' : `reload rejected: ${r.detail}`;
    if (!r.ok) throw new UserError('RELOAD_FAILED', `${service} rejected the new config; it keeps running the previous one.`, 'Run `obsctl validate` and fix the reported problem.', ExitCode.checksFailed, [r.detail]);
  }
  for (const service of nudges.restart) {
    await cli.run(['restart', service]);
    reloads[service] = 'restarted';
  }
  // What the GPU(s) really report: stored, and GPU content re-rendered in place when it differs.
  const gpuDiscovery = await discoverAndApply(loaded, options, stack, dir, urls.prometheus, 30_000);
  if (gpuDiscovery.status !== 'skipped') say(color.dim(`GPU capabilities: ${gpuDiscovery.detail}`));
  // The admin password env var only counts on Grafana's first boot: a changed password is applied
  // through Grafana's API, from the one last applied.
  let grafanaPassword: string | undefined;
  const desired = secrets.env[envVarFor('grafana_admin_password')];
  if (config.grafana.enabled && desired && store.get(appliedGrafanaPassword) !== desired) {
    const previous = store.get(appliedGrafanaPassword);
    const outcome = await ensureAdminPassword({
      clientFactory: (c) => new GrafanaClient({ baseUrl: urls.grafana, ...c }),
      user: config.grafana.admin_user,
      desired,
      ...(previous ? { previous } : {}),
    });
    grafanaPassword = outcome.status;
    if (outcome.status === 'failed') err(color.yellow(`warning: Grafana admin password: ${outcome.detail}${outcome.hint ? `\n  hint: ${outcome.hint}` : ''}`));
    else {
      store.set(appliedGrafanaPassword, desired);
      store.save();
    }
  }
  const recreated = after.filter((c) => before.has(c.service) && before.get(c.service) !== c.id).map((c) => c.service);
  const created = after.filter((c) => !before.has(c.service)).map((c) => c.service);
  const summary = {
    ok: true,
    project,
    profile: stack.profile,
    seconds: (Date.now() - started) / 1000,
    created,
    recreated,
    reloaded: reloads,
    services: after.map((c) => ({ service: c.service, state: c.state, health: c.health ?? '', id: c.id.slice(0, 12) })),
    urls: { prometheus: urls.prometheus, alertmanager: urls.alertmanager, ...(config.grafana.enabled ? { grafana: urls.grafana } : {}) },
    generatedSecrets: secrets.generated.map((g) => g.name),
    gpuDiscovery,
    ...(grafanaPassword ? { grafanaPassword } : {}),
  };
  if (options.quiet) return 0;
  if (options.json) {
    printJson(summary);
    return 0;
  }
  for (const g of secrets.generated) {
    out(`${color.bold('Grafana admin password')} (generated, shown once; stored 0600 in ${path.relative(process.cwd(), store.file)}): ${g.value}`);
  }
  const changes = [
    created.length ? `created ${created.join(', ')}` : '',
    recreated.length ? `recreated ${recreated.join(', ')}` : '',
    ...Object.entries(reloads).map(([s, r]) => `${s} ${r}`),
  ].filter(Boolean);
  out(`${color.green('✓')} ${project}: ${after.length} services healthy in ${summary.seconds.toFixed(1)} s${changes.length ? ` (${changes.join('; ')})` : ' (no change)'}`);
  for (const [name, url] of Object.entries(summary.urls)) out(`  ${name.padEnd(13)} ${url}`);
  const grafanaSecret = config.grafana.enabled ? stack.result.secrets.find((s) => s.name === 'grafana_admin_password') : undefined;
  const passwordAt = grafanaSecret && passwordWhere(grafanaSecret.source, path.relative(process.cwd(), store.file), grafanaSecret.envVar);
  for (const line of upSummary({ urls: summary.urls, listen: config.listen, env: process.env, user: os.userInfo().username, ...(passwordAt ? { grafanaPasswordAt: passwordAt } : {}), passwordShown: secrets.generated.length > 0 })) out(line);
  return 0;
}
