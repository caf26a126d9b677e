/** `docker compose config -q` on compose.yaml, with dummy values for secret variables. */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ValidateContext } from './context.js';
import { filesUnder, isFile, readText, STACK_PATHS } from './stack-files.js';
import { missingToolCheck, passSummary, toolOutput } from './tools.js';
import type { Check } from './types.js';

export const COMPOSE_CONFIG = 'docker compose config';

const DUMMY_VALUE = 'obsctl-validate-dummy';

/** Variables named by `secrets.*.environment` and `configs.*.environment`. */
export function composeEnvironmentNames(doc: unknown): string[] {
  const names = new Set<string>();
  for (const section of ['secrets', 'configs'] as const) {
    const entries = (doc as Record<string, unknown> | null)?.[section];
    if (!entries || typeof entries !== 'object') continue;
    for (const def of Object.values(entries as Record<string, unknown>)) {
      const env = (def as { environment?: unknown } | null)?.environment;
      if (typeof env === 'string' && env) names.add(env);
    }
  }
  return [...names].sort();
}

/**
 * The cache key of `docker compose config` on this stack: compose.yaml may name any file of the
 * stack (env_file, secrets, configs, .env beside it), so all of them, and the variables Compose
 * reads from the environment: COMPOSE_* and every name compose.yaml interpolates.
 */
async function composeKey(ctx: ValidateContext, text: string, env: Record<string, string>): Promise<string | undefined> {
  const reads = await filesUnder(ctx.root);
  if (!reads) return undefined;
  const interpolated = [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
  const names = new Set([...Object.keys(process.env).filter((n) => n.startsWith('COMPOSE_')), ...interpolated]);
  const fromEnv = Object.fromEntries([...names].filter((n) => !(n in env)).sort().map((n) => [`env:${n}`, process.env[n] ?? '(unset)']));
  return ctx.checkKey('docker-compose', ['compose', 'config', '-q'], reads, { ...env, ...fromEnv });
}

export async function composeConfigChecks(ctx: ValidateContext): Promise<Check[]> {
  const file = STACK_PATHS.compose;
  const probe = await ctx.probe('docker-compose');
  if (!probe.available) return [missingToolCheck(probe, COMPOSE_CONFIG, ctx.strict, file)];
  const abs = path.join(ctx.root, file);
  if (!(await isFile(abs))) return [{ name: COMPOSE_CONFIG, status: 'fail', file, detail: `${file} is missing` }];
  let names: string[] = [];
  const text = await readText(ctx.root, file).catch(() => '');
  try {
    names = composeEnvironmentNames(parseYaml(text));
  } catch {
    /* compose reports the YAML error itself */
  }
  // Secret values come from the environment at `up`; here any value will do, in the child only.
  const env = Object.fromEntries(names.map((n) => [n, DUMMY_VALUE]));
  const key = await composeKey(ctx, text, env);
  const kept = await ctx.cachedPass(key, COMPOSE_CONFIG, file);
  if (kept) return [kept];
  const r = await ctx.runner.run('docker', ['compose', '-f', abs, '--project-directory', ctx.root, 'config', '-q'], {
    cwd: ctx.root,
    env,
  });
  const check: Check =
    r.exitCode === 0
      ? { name: COMPOSE_CONFIG, status: 'pass', file, detail: passSummary(r, 'valid') }
      : { name: COMPOSE_CONFIG, status: 'fail', file, detail: toolOutput(r) };
  await ctx.keep(key, check);
  return [check];
}
