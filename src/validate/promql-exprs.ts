/** Every PromQL expression of rule files and dashboards, parsed in process. */
import { parse as parseYaml } from 'yaml';
import type { ValidateContext } from './context.js';
import { formatSyntaxError, promqlSyntaxErrors } from './promql-parse.js';
import { readText } from './stack-files.js';
import type { Check } from './types.js';
import { dashboardExpressions, ruleExpressions, type LocatedExpr } from './expressions.js';

export const PROMQL_PARSE = 'promql parse';

export type { LocatedExpr } from './expressions.js';
export { dashboardExpressions, ruleExpressions } from './expressions.js';

function checkExpressions(file: string, exprs: LocatedExpr[]): Check {
  const problems: string[] = [];
  for (const { where, expr } of exprs) {
    const errors = promqlSyntaxErrors(expr);
    if (errors.length === 0) continue;
    const at = errors.slice(0, 3).map(formatSyntaxError).join(', ');
    const shown = expr.length > 200 ? `${expr.slice(0, 200)}…` : expr;
    problems.push(`${file}: ${where}: syntax error at ${at}\n  expr: ${shown}`);
  }
  return problems.length
    ? { name: PROMQL_PARSE, status: 'fail', file, detail: problems.join('\n') }
    : { name: PROMQL_PARSE, status: 'pass', file, detail: `${exprs.length} expression(s) parse` };
}

async function fileCheck(ctx: ValidateContext, file: string, kind: 'rules' | 'dashboard'): Promise<Check> {
  // Parsing every expression is CPU on obsctl's own thread: a pass on the same bytes is kept.
  const key = await ctx.checkKey('obsctl', [PROMQL_PARSE, kind], [file]);
  const kept = await ctx.cachedPass(key, PROMQL_PARSE, file);
  if (kept) return kept;
  const check = await parsedFileCheck(ctx, file, kind);
  await ctx.keep(key, check);
  return check;
}

async function parsedFileCheck(ctx: ValidateContext, file: string, kind: 'rules' | 'dashboard'): Promise<Check> {
  let doc: unknown;
  try {
    const text = await readText(ctx.root, file);
    doc = kind === 'rules' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    return { name: PROMQL_PARSE, status: 'fail', file, detail: `${file}: cannot parse: ${(e as Error).message}` };
  }
  return checkExpressions(file, kind === 'rules' ? ruleExpressions(doc) : dashboardExpressions(doc));
}

export async function promqlChecks(ctx: ValidateContext): Promise<Check[]> {
  return Promise.all([
    ...ctx.files.ruleFiles.map((f) => fileCheck(ctx, f, 'rules')),
    ...ctx.files.dashboardFiles.map((f) => fileCheck(ctx, f, 'dashboard')),
  ]);
}
