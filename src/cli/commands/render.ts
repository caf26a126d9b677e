// obsctl render: config -> files on disk (or, with --dry-run, the list of what would change).
import path from 'node:path';
import { loadConfig } from '../../app/config.js';
import { writeStack } from '../../app/render.js';
import { prepareStack } from '../../app/stack.js';
import { color, err, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface RenderFlags {
  config: string;
  out?: string;
  dryRun: boolean;
  json: boolean;
  simulateGpu?: string | true;
  host?: string;
}

export async function renderCommand(flags: RenderFlags): Promise<number> {
  const ports = realPorts(flags);
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  const stack = await prepareStack(ports, loaded, flags);
  const { dir, plan } = writeStack(ports, stack, flags);
  if (flags.json) {
    printJson({ ok: true, dryRun: flags.dryRun, dir, profile: stack.profile, services: stack.result.services, ...plan, warnings: loaded.warnings, notes: stack.notes });
    return 0;
  }
  for (const w of loaded.warnings) err(color.yellow(w));
  for (const n of stack.notes) out(color.dim(n));
  const verb = flags.dryRun ? 'would ' : '';
  for (const f of plan.create) out(`  ${color.green('+')} ${f}`);
  for (const f of plan.update) out(`  ${color.yellow('~')} ${f}`);
  for (const f of plan.remove) out(`  ${color.red('-')} ${f}`);
  const shown = path.relative(process.cwd(), dir) || '.';
  out(
    `${flags.dryRun ? 'dry run: ' : ''}${shown}: ${verb}create ${plan.create.length}, ${verb}update ${plan.update.length}, ${verb}remove ${plan.remove.length}, ${plan.unchanged.length} unchanged (profile ${stack.profile}, ${stack.result.services.length} services)`,
  );
  return 0;
}
