/** promtool checks: config (syntax only), every rule file, every rule unit test. */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ValidateContext } from './context.js';
import { filesUnder, globFiles, isFile, readText, rel, STACK_PATHS } from './stack-files.js';
import { batchesByCost, testFileCost } from './test-cost.js';
import { missingToolCheck, passSummary, toolOutput } from './tools.js';
import type { ToolResult } from './tool-runner.js';
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
  const args = ['check', 'config', '--syntax-only', file];
  // Keyed on everything under prometheus/ but the tests, whatever promtool chooses to open.
  const reads = (await filesUnder(ctx.root, 'prometheus'))?.filter((f) => !f.startsWith(`${STACK_PATHS.testsDir}/`));
  const key = reads && (await ctx.checkKey('promtool', args, reads));
  const kept = await ctx.cachedPass(key, CHECK_CONFIG, file);
  if (kept) return kept;
  const r = await ctx.runner.run('promtool', args, { cwd: ctx.root });
  const check: Check =
    r.exitCode === 0
      ? { name: CHECK_CONFIG, status: 'pass', file, detail: passSummary(r, 'valid') }
      : { name: CHECK_CONFIG, status: 'fail', file, detail: toolOutput(r) };
  await ctx.keep(key, check);
  return check;
}

async function checkRuleFile(ctx: ValidateContext, file: string): Promise<Check> {
  const r = await ctx.runner.run('promtool', ['check', 'rules', file], { cwd: ctx.root });
  return r.exitCode === 0
    ? { name: CHECK_RULES, status: 'pass', file, detail: passSummary(r, 'valid') }
    : { name: CHECK_RULES, status: 'fail', file, detail: toolOutput(r) };
}

/** stdout of `promtool check rules a b ...` cut at its "Checking FILE" headers; undefined if it is not that. */
function sectionsByFile(stdout: string, files: string[]): Map<string, string> | undefined {
  const sections = new Map<string, string>();
  const parts = stdout.split(/^(?=Checking )/m).filter((p) => p.trim());
  for (const part of parts) {
    const file = /^Checking (.+)$/m.exec(part)?.[1]?.trim();
    if (!file || !files.includes(file) || sections.has(file)) return undefined;
    sections.set(file, part);
  }
  return sections.size === files.length ? sections : undefined;
}

/**
 * `promtool check rules` of every rule file in one process (each file is checked on its own by
 * promtool either way). Anything but a clean pass of all of them is run again file by file, so a
 * failure reads exactly as when each file had its own process.
 */
async function checkRuleFiles(ctx: ValidateContext, files: string[]): Promise<Check[]> {
  const keys = await Promise.all(files.map((f) => ctx.checkKey('promtool', ['check', 'rules', f], [f])));
  const done = new Map<string, Check>();
  await Promise.all(files.map(async (f, i) => {
    const kept = await ctx.cachedPass(keys[i], CHECK_RULES, f);
    if (kept) done.set(f, kept);
  }));
  const todo = files.filter((f) => !done.has(f));
  if (todo.length > 1) {
    const r = await ctx.runner.run('promtool', ['check', 'rules', ...todo], { cwd: ctx.root });
    const sections = r.exitCode === 0 && !r.stderr.trim() ? sectionsByFile(r.stdout, todo) : undefined;
    if (sections) {
      for (const f of todo) done.set(f, { name: CHECK_RULES, status: 'pass', file: f, detail: passSummary({ stdout: sections.get(f)!, stderr: '' }, 'valid') });
    }
  }
  await Promise.all(todo.filter((f) => !done.has(f)).map(async (f) => done.set(f, await checkRuleFile(ctx, f))));
  await Promise.all(files.map((f, i) => (done.get(f)!.cached ? undefined : ctx.keep(keys[i], done.get(f)!))));
  return files.map((f) => done.get(f)!);
}

interface ParsedTest {
  file: string;
  /** The rule files its rule_files resolve to (stack-relative): what promtool reads besides the test. */
  ruleFiles: string[];
  doc: unknown;
}

/** A test file whose rule_files all resolve, or the check that fails it (promtool only warns, then tests nothing). */
async function parseTestFile(ctx: ValidateContext, file: string): Promise<ParsedTest | Check> {
  const fail = (detail: string): Check => ({ name: TEST_RULES, status: 'fail', file, detail, hint: TEST_RULE_FILES_HINT });
  let doc: unknown;
  try {
    doc = parseYaml(await readText(ctx.root, file));
  } catch (e) {
    return fail(`cannot parse ${file}: ${(e as Error).message}`);
  }
  const patterns = (doc as { rule_files?: unknown } | null)?.rule_files;
  if (!Array.isArray(patterns) || patterns.length === 0) return fail(`${file} lists no rule_files`);
  const dir = path.dirname(path.join(ctx.root, file));
  const missing: string[] = [];
  const ruleFiles = new Set<string>();
  for (const pattern of patterns) {
    const matches = typeof pattern === 'string' ? await globFiles(dir, pattern) : [];
    if (matches.length === 0) missing.push(String(pattern));
    for (const m of matches) ruleFiles.add(rel(ctx.root, m));
  }
  if (missing.length > 0) {
    return fail(`rule_files of ${file} match no file relative to ${path.posix.dirname(file)}/: ${missing.join(', ')}`);
  }
  return { file, ruleFiles: [...ruleFiles], doc };
}

function testCheck(file: string, r: ToolResult): Check {
  if (r.exitCode === 0) return { name: TEST_RULES, status: 'pass', file, detail: passSummary(r, 'tests pass') };
  // promtool 2.x headed its output "Unit Testing: FILE"; 3.x prints only the failures.
  const detail = toolOutput(r);
  return { name: TEST_RULES, status: 'fail', file, detail: detail.includes(file) ? detail : `${file}:\n${detail}` };
}

/** Success output of `promtool test rules` for `n` files: "SUCCESS" n times (2.x: each under "Unit Testing: FILE"). */
function allSucceeded(r: ToolResult, n: number): boolean {
  if (r.exitCode !== 0 || r.stderr.trim()) return false;
  const lines = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Unit Testing:'));
  return lines.length === n && lines.every((l) => l === 'SUCCESS');
}

interface PreparedTests {
  /** Checks known without running promtool: kept passes, test files whose rule_files do not resolve. */
  done: Map<string, Check>;
  keys: Map<string, string | undefined>;
  /** The files to run, spread over processes by their evaluation cost. */
  batches: string[][];
}

/** What `promtool test rules` has to run, found without promtool (so while it is probed). */
async function prepareTests(ctx: ValidateContext, files: string[]): Promise<PreparedTests> {
  const parsed = await Promise.all(files.map((f) => parseTestFile(ctx, f)));
  const done = new Map<string, Check>();
  const keys = new Map<string, string | undefined>();
  const todo: ParsedTest[] = [];
  await Promise.all(parsed.map(async (p, i) => {
    if ('status' in p) return void done.set(files[i]!, p);
    const key = await ctx.checkKey('promtool', ['test', 'rules', p.file], [p.file, ...p.ruleFiles]);
    keys.set(p.file, key);
    const kept = await ctx.cachedPass(key, TEST_RULES, p.file);
    if (kept) done.set(p.file, kept);
    else todo.push(p);
  }));
  const costs = await Promise.all(todo.map(async (p) => testFileCost(p.doc, await Promise.all(p.ruleFiles.map((f) => readText(ctx.root, f).catch(() => ''))))));
  return { done, keys, batches: batchesByCost(todo.map((p, i) => ({ item: p.file, cost: costs[i]! })), ctx.parallelism) };
}

/**
 * `promtool test rules` of every test file whose rule_files resolve, in one process per core with
 * the files spread by their evaluation cost; a batch that does not cleanly pass is run again file
 * by file, so a failure names its file and reads exactly as when each file had its own process.
 */
async function testRuleFiles(ctx: ValidateContext, files: string[], { done, keys, batches }: PreparedTests): Promise<Check[]> {
  const long = { cwd: ctx.root, lane: 'long' as const };
  const runs = Promise.all(batches.map(async (batch) => {
    if (batch.length > 1) {
      const r = await ctx.runner.run('promtool', ['test', 'rules', ...batch], long);
      if (allSucceeded(r, batch.length)) {
        for (const f of batch) done.set(f, { name: TEST_RULES, status: 'pass', file: f, detail: 'SUCCESS' });
        return;
      }
    }
    await Promise.all(batch.map(async (f) => done.set(f, testCheck(f, await ctx.runner.run('promtool', ['test', 'rules', f], long)))));
  }));
  ctx.startedLongRuns(); // every batch has asked for its process (above, before any await of ours)
  await runs;
  await Promise.all(batches.flat().map((f) => ctx.keep(keys.get(f), done.get(f)!)));
  return files.map((f) => done.get(f)!);
}

export async function promtoolChecks(ctx: ValidateContext): Promise<Check[]> {
  const { ruleFiles, testFiles } = ctx.files;
  // The unit tests take most of the time: what they run is worked out while promtool is probed,
  // and they start first, so the short checks fill the gaps.
  const [probe, tests] = await Promise.all([ctx.probe('promtool'), prepareTests(ctx, testFiles)]);
  if (!probe.available) {
    ctx.startedLongRuns();
    return [
      missingToolCheck(probe, CHECK_CONFIG, ctx.strict, STACK_PATHS.prometheusConfig),
      ...(ruleFiles.length ? [missingToolCheck(probe, CHECK_RULES, ctx.strict, `${ruleFiles.length} rule file(s)`)] : []),
      ...(testFiles.length ? [missingToolCheck(probe, TEST_RULES, ctx.strict, `${testFiles.length} rule test file(s)`)] : []),
    ];
  }
  const [tested, config, rules] = await Promise.all([testRuleFiles(ctx, testFiles, tests), checkConfig(ctx), checkRuleFiles(ctx, ruleFiles)]);
  return [config, ...rules, ...tested];
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
