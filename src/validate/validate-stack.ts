/** validateStack: every check of a rendered stack directory, tools run in parallel. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { amtoolChecks } from './amtool.js';
import type { CheckCache } from './check-cache.js';
import { composeConfigChecks } from './compose.js';
import { composeSchemaChecks } from './compose-schema.js';
import { createContext } from './context.js';
import { promqlChecks } from './promql-exprs.js';
import { promtoolChecks, ruleFilesCheck } from './promtool.js';
import { listStackFiles } from './stack-files.js';
import { createExecaToolRunner, type ToolRunner } from './tool-runner.js';
import { lanedRunner, toolParallelism } from './tools.js';
import type { ValidationReport } from './types.js';
import { toolVersions } from './versions.js';

export interface ValidateOptions {
  /** Missing tools fail instead of skip (CI). */
  strict: boolean;
  /** Defaults to the execa runner on process.env. */
  tools?: ToolRunner;
  /** Passing checks kept by content (userCheckCache()); none: every check runs. */
  cache?: CheckCache;
}

export async function validateStack(dir: string, opts: ValidateOptions): Promise<ValidationReport> {
  const root = path.resolve(dir);
  const isDir = await stat(root).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    return { ok: false, checks: [{ name: 'stack directory', status: 'fail', detail: `${root} is not a directory` }], tools: [], warnings: [] };
  }
  const parallelism = toolParallelism();
  const runner = lanedRunner(opts.tools ?? createExecaToolRunner(), parallelism);
  const ctx = createContext(root, await listStackFiles(root), runner, opts.strict, parallelism, opts.cache);
  // A node host of an inventory runs exporters only (pull fleet) or exporters and a Prometheus
  // agent (agent fleet): no Alertmanager config, and maybe no Prometheus config, to check.
  const exists = (p: string) => stat(path.join(root, p)).then(() => true, () => false);
  const [prometheus, alertmanager] = await Promise.all([exists('prometheus/prometheus.yml'), exists('alertmanager/alertmanager.yml')]);
  // The tools run in their own processes: started first, the longest (promtool's unit tests)
  // before anything else. The in-process checks (schema, rule_files, PromQL grammar) are CPU on this
  // thread, so they wait until the unit tests are spawned rather than hold them back (issue 15).
  const tools = Promise.all([composeConfigChecks(ctx), prometheus ? promtoolChecks(ctx) : [], alertmanager ? amtoolChecks(ctx) : []]);
  if (!prometheus) ctx.startedLongRuns();
  await Promise.race([ctx.longRunsStarted, tools]);
  const inProcess = Promise.all([composeSchemaChecks(ctx), ...(prometheus ? [ruleFilesCheck(ctx), promqlChecks(ctx)] : [])]);
  const [[composeConfig, promtool, amtool], [composeSchema, ...prometheusInProcess]] = await Promise.all([tools, inProcess]);
  // Reported in the order they always were.
  const groups = [composeSchema!, composeConfig, ...(prometheus ? [promtool, ...prometheusInProcess] : []), amtool];
  const versions = await toolVersions(ctx, await ctx.probed());
  await opts.cache?.prune?.();
  const checks = [...groups.flat(), ...versions.checks];
  return { ok: checks.every((c) => c.status !== 'fail'), checks, tools: versions.tools, warnings: versions.warnings };
}
