/** promtool checks: config (syntax only), every rule file, every rule unit test. */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ValidateContext } from './context.js';
import { globFiles, isFile, readText, rel, STACK_PATHS } from './stack-files.js';
import { missingToolCheck, passSummary, toolOutput } from './tools.js';
import type { Check } from './types.js';

export const CHECK_CONFIG = 'promtool check config';
export const CHECK_RULES = 'promtool check rules';
export const TEST_RULES = 'promtool test rules';

export const TEST_RULE_FILES_HINT =
  'rule unit tests resolve rule_files relative to the test file: rendered prometheus/tests/<pack>-<name>.test.yml ' +
  'must list ../rules/<pack>-<name>.rules.yml';

async function checkConfig(ctx: ValidateContext): Promise<Check> {
  const file = STACK_PATHS.prometheusConfig;
  if (!(await isFile(path.join(ctx.root, file)))) {
    return { name: CHECK_CONFIG, status: 'fail', file, detail: `${file} is missing` };
  }
  // --syntax-only: the *_file paths (/run/secrets/...) exist only in the container. It also skips
  // loading rule_files; the rule files get their own checks and `prometheus rule_files`.
  const r = await ctx.runner.run('promtool', ['check', 'config', '--syntax-only', file], { cwd: ctx.root });
  return r.exitCode === 0
    ? { name: CHECK_CONFIG, status: 'pass', file, detail: passSummary(r, 'valid') }
    : { name: CHECK_CONFIG, status: 'fail', file, detail: toolOutput(r) };
}

async function checkRuleFile(ctx: ValidateContext, file: string): Promise<Check> {
  const r = await ctx.runner.run('promtool', ['check', 'rules', file], { cwd: ctx.root });
  return r.exitCode === 0
    ? { name: CHECK_RULES, status: 'pass', file, detail: passSummary(r, 'valid') }
    : { name: CHECK_RULES, status: 'fail', file, detail: toolOutput(r) };
}

/** rule_files entries of a test file that match nothing (promtool only warns, then tests run without them). */
async function unresolvedTestRuleFiles(ctx: ValidateContext, file: string): Promise<string[] | string> {
  let doc: unknown;
  try {
    doc = parseYaml(await readText(ctx.root, file));
  } catch (e) {
    return `cannot parse ${file}: ${(e as Error).message}`;
  }
  const ruleFiles = (doc as { rule_files?: unknown } | null)?.rule_files;
  if (!Array.isArray(ruleFiles) || ruleFiles.length === 0) return `${file} lists no rule_files`;
  const dir = path.dirname(path.join(ctx.root, file));
  const missing: string[] = [];
  for (const pattern of ruleFiles) {
    if (typeof pattern !== 'string' || (await globFiles(dir, pattern)).length === 0) missing.push(String(pattern));
  }
  return missing;
}

async function testRuleFile(ctx: ValidateContext, file: string): Promise<Check> {
  const unresolved = await unresolvedTestRuleFiles(ctx, file);
  if (typeof unresolved === 'string') {
    return { name: TEST_RULES, status: 'fail', file, detail: unresolved, hint: TEST_RULE_FILES_HINT };
  }
  if (unresolved.length > 0) {
    const dir = path.posix.dirname(file);
    return {
      name: TEST_RULES,
      status: 'fail',
      file,
      detail: `rule_files of ${file} match no file relative to ${dir}/: ${unresolved.join(', ')}`,
      hint: TEST_RULE_FILES_HINT,
    };
  }
  const r = await ctx.runner.run('promtool', ['test', 'rules', file], { cwd: ctx.root });
  if (r.exitCode === 0) return { name: TEST_RULES, status: 'pass', file, detail: passSummary(r, 'tests pass') };
  // promtool 2.x headed its output "Unit Testing: FILE"; 3.x prints only the failures.
  const detail = toolOutput(r);
  return { name: TEST_RULES, status: 'fail', file, detail: detail.includes(file) ? detail : `${file}:\n${detail}` };
}

export async function promtoolChecks(ctx: ValidateContext): Promise<Check[]> {
  const probe = await ctx.probe('promtool');
  const { ruleFiles, testFiles } = ctx.files;
  if (!probe.available) {
    return [
      missingToolCheck(probe, CHECK_CONFIG, ctx.strict, STACK_PATHS.prometheusConfig),
      ...(ruleFiles.length ? [missingToolCheck(probe, CHECK_RULES, ctx.strict, `${ruleFiles.length} rule file(s)`)] : []),
      ...(testFiles.length ? [missingToolCheck(probe, TEST_RULES, ctx.strict, `${testFiles.length} rule test file(s)`)] : []),
    ];
  }
  return Promise.all([
    checkConfig(ctx),
    ...ruleFiles.map((f) => checkRuleFile(ctx, f)),
    ...testFiles.map((f) => testRuleFile(ctx, f)),
  ]);
}

export const RULE_FILES_CHECK = 'prometheus rule_files';

/**
 * In-process stand-in for what `check config --syntax-only` leaves out: every rule_files pattern
 * of prometheus.yml is relative and matches something, and every rendered rule file is loaded.
 */
export async function ruleFilesCheck(ctx: ValidateContext): Promise<Check[]> {
  const file = STACK_PATHS.prometheusConfig;
  const name = RULE_FILES_CHECK;
  let doc: unknown;
  try {
    doc = parseYaml(await readText(ctx.root, file));
  } catch {
    return []; // missing or unparseable: `promtool check config` reports it
  }
  const patterns = (doc as { rule_files?: unknown } | null)?.rule_files ?? [];
  if (!Array.isArray(patterns)) return [{ name, status: 'fail', file, detail: 'rule_files is not a list' }];
  const problems: string[] = [];
  const loaded = new Set<string>();
  const promDir = path.join(ctx.root, path.dirname(file));
  for (const p of patterns) {
    if (typeof p !== 'string') {
      problems.push(`rule_files entry ${JSON.stringify(p)} is not a string`);
    } else if (path.isAbsolute(p)) {
      problems.push(`rule_files entry "${p}" is absolute; it must be relative to prometheus.yml`);
    } else {
      const matches = await globFiles(promDir, p);
      if (matches.length === 0) problems.push(`rule_files entry "${p}" matches no file under prometheus/`);
      for (const m of matches) loaded.add(rel(ctx.root, m));
    }
  }
  for (const r of ctx.files.ruleFiles) if (!loaded.has(r)) problems.push(`${r} is not loaded by any rule_files entry`);
  return problems.length
    ? [{ name, status: 'fail', file, detail: problems.join('\n'), hint: 'render rule_files: [rules/*.rules.yml]' }]
    : [{ name, status: 'pass', file, detail: `${loaded.size} rule file(s) loaded` }];
}
