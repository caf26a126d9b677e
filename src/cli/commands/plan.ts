// obsctl plan: what `up` would do, doing none of it. Exit 0 with nothing to do, 1 with changes.
import { loadConfig } from '../../app/config.js';
import { prepareStack, stackProject } from '../../app/stack.js';
import { hasChanges, planUp } from '../../app/up-plan.js';
import { color, err, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface PlanFlags {
  config: string;
  pull?: 'missing' | 'always' | 'never';
  simulateGpu?: string | true;
  host?: string;
  json: boolean;
}

export async function planCommand(flags: PlanFlags): Promise<number> {
  const ports = realPorts({ json: true });
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  // As `up` starts: a bad --host before the engine; connected by listing the project's containers;
  // rendered for that engine (healthcheck start_interval from Engine 25).
  const { project } = stackProject(loaded, flags.host);
  const { engine, containers } = await ports.engineWithProject(project);
  const stack = await prepareStack(ports, loaded, { ...flags, ...(engine.apiVersion ? { engineApiVersion: engine.apiVersion } : {}) });
  const plan = await planUp(ports, loaded, stack, { ...flags, listed: { project, containers } });
  const changes = hasChanges(plan);
  const services = plan.services.filter((s) => s.action !== 'keep');
  const findings = plan.preflight.filter((c) => !c.ok);
  if (flags.json) {
    const { existing: _e, refusal, ...rest } = plan;
    printJson({ ...rest, changes, preflight: findings, ...(refusal ? { refused: { code: refusal.code, message: refusal.message, details: refusal.details } } : {}) });
  } else {
    for (const n of stack.notes) out(color.dim(n));
    for (const s of services) {
      const why = s.action === 'recreate' ? ` (${s.reasons.join(', ')})` : s.action === 'reload' || s.action === 'restart' ? `: ${s.files.join(', ')}` : '';
      out(`${s.service}: ${s.action}${why}`);
    }
    const { create, update, remove } = plan.files;
    for (const [mark, list] of [['+', create], ['~', update], ['-', remove]] as const) for (const f of list) out(`  ${mark} ${f}`);
    for (const image of plan.pull) out(`pull ${image}`);
    for (const c of findings) err(color.yellow(`${c.fatal ? 'preflight' : 'warning'}: ${c.name}: ${c.detail}`));
    if (!changes) out(`${plan.project}: nothing to do`);
    else out(`${plan.project}: ${services.length} service change${services.length === 1 ? '' : 's'}, ${create.length + update.length + remove.length} files, ${plan.pull.length} images to pull`);
  }
  if (plan.refusal) throw plan.refusal;
  return changes ? 1 : 0;
}
