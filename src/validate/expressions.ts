// Where the PromQL of rule files and dashboards is: the expressions with a readable location.
// Pure (no parser, no files): render lists a dashboard's queries in stack.json from it, and loading
// the PromQL grammar and node:fs/promises for that cost every `obsctl render` (issue 15).
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
