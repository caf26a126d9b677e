/** Every PromQL expression of rule files and dashboards, parsed in process. */
import { parse as parseYaml } from 'yaml';
import type { ValidateContext } from './context.js';
import { formatSyntaxError, promqlSyntaxErrors } from './promql-parse.js';
import { readText } from './stack-files.js';
import type { Check } from './types.js';

export const PROMQL_PARSE = 'promql parse';

export interface LocatedExpr {
  /** `group "gpu" alert "GpuHot"`, `panel "GPU util" (id 3) target A`. */
  where: string;
  expr: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function ruleExpressions(doc: unknown): LocatedExpr[] {
  const out: LocatedExpr[] = [];
  for (const group of list(isObj(doc) ? doc.groups : undefined)) {
    if (!isObj(group)) continue;
    list(group.rules).forEach((rule, i) => {
      if (!isObj(rule) || rule.expr === undefined) return;
      const kind = rule.alert !== undefined ? `alert "${String(rule.alert)}"` : rule.record !== undefined ? `record "${String(rule.record)}"` : `rule #${i + 1}`;
      out.push({ where: `group "${String(group.name)}" ${kind}`, expr: String(rule.expr) });
    });
  }
  return out;
}

function panelExpressions(panel: Obj, out: LocatedExpr[]): void {
  const label = `panel "${String(panel.title ?? '')}"${panel.id !== undefined ? ` (id ${String(panel.id)})` : ''}`;
  list(panel.targets).forEach((target, i) => {
    if (!isObj(target) || typeof target.expr !== 'string') return;
    const ds = isObj(target.datasource) ? target.datasource.type : undefined;
    if (typeof ds === 'string' && ds !== 'prometheus') return; // not PromQL
    out.push({ where: `${label} target ${String(target.refId ?? i + 1)}`, expr: target.expr });
  });
  for (const nested of list(panel.panels)) if (isObj(nested)) panelExpressions(nested, out); // collapsed rows
}

export function dashboardExpressions(doc: unknown): LocatedExpr[] {
  const dash = isObj(doc) && isObj(doc.dashboard) && !('panels' in doc) ? doc.dashboard : doc;
  if (!isObj(dash)) return [];
  const out: LocatedExpr[] = [];
  for (const panel of list(dash.panels)) if (isObj(panel)) panelExpressions(panel, out);
  for (const row of list(dash.rows)) if (isObj(row)) panelExpressions(row, out); // pre-5.0 dashboard layout
  return out;
}

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
