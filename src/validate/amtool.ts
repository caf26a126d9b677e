/** amtool check-config on the rendered Alertmanager config. */
import path from 'node:path';
import type { ValidateContext } from './context.js';
import { filesUnder, isFile, STACK_PATHS } from './stack-files.js';
import { missingToolCheck, passSummary, toolOutput } from './tools.js';
import type { Check } from './types.js';

export const AMTOOL_CHECK = 'amtool check-config';

/**
 * amtool 0.25 does not open *_file paths, so the config is checked in place. It does reject
 * fields it does not know: webhook `url_file` (and telegram/discord/msteams/pushover *_file) are
 * not in 0.25.
 */
export async function amtoolChecks(ctx: ValidateContext): Promise<Check[]> {
  const file = STACK_PATHS.alertmanagerConfig;
  const probe = await ctx.probe('amtool');
  if (!probe.available) return [missingToolCheck(probe, AMTOOL_CHECK, ctx.strict, file)];
  if (!(await isFile(path.join(ctx.root, file)))) {
    return [{ name: AMTOOL_CHECK, status: 'fail', file, detail: `${file} is missing` }];
  }
  // An amtool older than the Alertmanager obsctl runs (0.28) rejects fields that Alertmanager
  // accepts (webhook url_file arrived in 0.26): that is the tool's age, not the config's fault.
  const m = /version (\d+)\.(\d+)/.exec(probe.detail);
  const tooOld = m && Number(m[1]) === 0 && Number(m[2]) < 26;
  const args = ['check-config', file];
  // Keyed on everything under alertmanager/: the config and any templates it globs.
  const reads = await filesUnder(ctx.root, 'alertmanager');
  const key = reads && (await ctx.checkKey('amtool', args, reads));
  const kept = await ctx.cachedPass(key, AMTOOL_CHECK, file);
  if (kept) return [kept];
  const r = await ctx.runner.run('amtool', args, { cwd: ctx.root });
  if (r.exitCode !== 0 && tooOld && /url_file|field .* not found/.test(`${r.stdout}${r.stderr}`)) {
    return [
      {
        name: AMTOOL_CHECK,
        status: ctx.strict ? 'fail' : 'skip',
        file,
        detail: `${probe.detail} is older than the Alertmanager obsctl runs (0.28) and does not know every field it renders: ${toolOutput(r).split('\n')[0]}`,
        hint: 'Install amtool 0.26 or newer (Debian trixie / Ubuntu 24.04 prometheus-alertmanager, or the amtool in the prom/alertmanager image).',
      },
    ];
  }
  const check: Check =
    r.exitCode === 0
      ? { name: AMTOOL_CHECK, status: 'pass', file, detail: passSummary(r, 'valid') }
      : { name: AMTOOL_CHECK, status: 'fail', file, detail: toolOutput(r) };
  await ctx.keep(key, check);
  return [check];
}
