// obsctl up: render -> validate -> preflight -> images -> docker compose up --wait -> reload what
// changed in place. Running it again with no change recreates nothing.
import { checkSecrets, loadConfig } from '../../app/config.js';
import { prepareStack, stackProject } from '../../app/stack.js';
import { up } from '../../app/up.js';
import os from 'node:os';
import { color, err, out, printJson } from '../output.js';
import { passwordWhere, upSummary } from '../up-summary.js';
import { realPorts } from '../root.js';

export interface UpFlags {
  config: string;
  pull?: 'missing' | 'always' | 'never';
  timeout: number;
  simulateGpu?: string | true;
  host?: string;
  rollback: boolean;
  json: boolean;
}

export async function upCommand(flags: UpFlags): Promise<number> {
  const ports = realPorts(flags);
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  checkSecrets(loaded, ports.env);
  for (const w of loaded.warnings) err(color.yellow(w));
  // A bad --host is a config error, told before the engine is asked (it would be one without an engine too).
  const { project } = stackProject(loaded, flags.host);
  // Connected first, by the one call a no-change `up` makes (issue 15): the project's containers,
  // whose answer says the engine's API version, and the stack is rendered for that engine
  // (healthcheck start_interval from Engine 25).
  const { engine, containers } = await ports.engineWithProject(project);
  const stack = await prepareStack(ports, loaded, { ...flags, ...(engine.apiVersion ? { engineApiVersion: engine.apiVersion } : {}) });
  for (const n of stack.notes) ports.out.info(color.dim(n));
  const s = await up(ports, loaded, stack, { ...flags, listed: { project, containers } });
  if (flags.json) {
    const { generated: _g, secretsFile: _f, warnings: _w, ...summary } = s;
    printJson(summary);
    return 0;
  }
  for (const g of s.generated) out(`${color.bold('Grafana admin password')} (generated, shown once; stored 0600 in ${s.secretsFile}): ${g.value}`);
  const changes = [
    s.created.length ? `created ${s.created.join(', ')}` : '',
    s.recreated.length ? `recreated ${s.recreated.join(', ')}` : '',
    ...Object.entries(s.reloaded).map(([service, r]) => `${service} ${r}`),
  ].filter(Boolean);
  out(`${color.green('✓')} ${s.project}: ${s.services.length} services healthy in ${s.seconds.toFixed(1)} s${changes.length ? ` (${changes.join('; ')})` : ' (no change)'}`);
  for (const [name, url] of Object.entries(s.urls)) out(`  ${name.padEnd(13)} ${url}`);
  const grafanaSecret = loaded.config.grafana.enabled ? stack.result.secrets.find((x) => x.name === 'grafana_admin_password') : undefined;
  const passwordAt = grafanaSecret && passwordWhere(grafanaSecret.source, s.secretsFile, grafanaSecret.envVar);
  for (const line of upSummary({ urls: s.urls, listen: loaded.config.listen, env: process.env, user: os.userInfo().username, ...(passwordAt ? { grafanaPasswordAt: passwordAt } : {}), passwordShown: s.generated.length > 0 })) out(line);
  return 0;
}
