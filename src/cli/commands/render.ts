// obsctl render: config -> files on disk (or, with --dry-run, the list of what would change).
import path from 'node:path';
import { applyWrite, planWrite } from '../../render/write.js';
import { loadConfig } from '../context.js';
import { color, err, out, printJson } from '../output.js';
import { defaultOutDir, prepareStack } from '../stack.js';

export interface RenderOptions {
  config: string;
  out?: string;
  dryRun: boolean;
  json: boolean;
  simulateGpu?: string | boolean;
  host?: string;
}

export async function renderCommand(options: RenderOptions): Promise<number> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const stack = await prepareStack(loaded, options);
  const dir = path.resolve(options.out ?? defaultOutDir(loaded));
  const plan = planWrite(dir, stack.result.files);
  if (!options.dryRun) applyWrite(dir, stack.result.files, plan);
  if (options.json) {
    printJson({ ok: true, dryRun: options.dryRun, dir, profile: stack.profile, services: stack.result.services, ...plan, warnings: loaded.warnings, notes: stack.notes });
    return 0;
  }
  for (const w of loaded.warnings) err(color.yellow(w));
  for (const n of stack.notes) out(color.dim(n));
  const verb = options.dryRun ? 'would ' : '';
  for (const f of plan.create) out(`  ${color.green('+')} ${f}`);
  for (const f of plan.update) out(`  ${color.yellow('~')} ${f}`);
  for (const f of plan.remove) out(`  ${color.red('-')} ${f}`);
  const shown = path.relative(process.cwd(), dir) || '.';
  out(
    `${options.dryRun ? 'dry run: ' : ''}${shown}: ${verb}create ${plan.create.length}, ${verb}update ${plan.update.length}, ${verb}remove ${plan.remove.length}, ${plan.unchanged.length} unchanged (profile ${stack.profile}, ${stack.result.services.length} services)`,
  );
  return 0;
}
