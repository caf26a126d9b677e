// GPU alert rules for exactly the fields a GPU reports: a rule whose input field is absent could
// never fire while looking configured, so it is not rendered (verify says so instead), and neither
// is a rule built on a recording rule that was dropped. The promtool tests of dropped rules go too,
// so every rendered test still runs against rules that exist, and so do the tests whose input
// series are of a field no GPU of the stack reports (they describe a GPU this stack does not have).
// A trailing `unless FIELD > 0` whose field no GPU reports is left out (it excludes nothing: the
// absolute-threshold fallbacks of alerts/gpu/health.rules.yml), so rendered rules name only
// reported fields. Files where nothing changes stay byte-identical; comments of the rest are kept.
import { isMap, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';

/** DCGM field names an expression reads (not regex prefixes such as `DCGM_FI_DEV_.+`). */
export function fieldsIn(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\bDCGM_(?:FI|EXP)_[A-Z]+_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_]*[.*+])/g)].map((m) => m[0]).filter((f) => f !== 'DCGM_FI_DRIVER_VERSION'))];
}

/** `… unless FIELD{…} > 0` at the end of an expression: the exclusion, and the field it reads. */
const UNLESS_TAIL = /\s+unless\s+(?:on\s*\([^)]*\)\s*)?\(?\s*(DCGM_(?:FI|EXP)_[A-Z0-9_]+)(?:\{[^}]*\})?(?:\s*(?:[<>]=?|[!=]=)\s*-?[\d.]+)?\s*\)?\s*$/;

/** The expression without a trailing `unless FIELD…` whose field is not reported (`x unless nothing` is `x`). */
export function withoutAbsentExclusion(expr: string, has: (field: string) => boolean): string {
  const m = UNLESS_TAIL.exec(expr);
  if (!m || has(m[1]!)) return expr;
  return expr.slice(0, m.index) + (expr.endsWith('\n') ? '\n' : '');
}

const str = (m: YAMLMap, key: string) => {
  const v = m.get(key);
  return typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v);
};

/** DCGM fields a promtool test's input series are of. */
function inputFields(test: YAMLMap): string[] {
  const series = (test.get('input_series') as YAMLSeq | undefined)?.items ?? [];
  return series.flatMap((s) => (isMap(s) ? fieldsIn(str(s, 'series') ?? '') : []));
}

/** Names of the rules that cannot work without `has` fields: records first, then what reads them. */
function droppedRules(docs: Document[], has: (field: string) => boolean): { alerts: Set<string>; records: Set<string> } {
  const records = new Set<string>();
  const alerts = new Set<string>();
  const reads = (expr: string) => fieldsIn(expr).some((f) => !has(f)) || [...records].some((r) => expr.includes(r));
  // Twice: a record may read a record defined later.
  for (let pass = 0; pass < 2; pass++) {
    for (const doc of docs) {
      for (const group of (doc.get('groups') as YAMLSeq | undefined)?.items ?? []) {
        for (const rule of ((group as YAMLMap).get('rules') as YAMLSeq | undefined)?.items ?? []) {
          const m = rule as YAMLMap;
          const expr = str(m, 'expr') ?? '';
          if (!reads(expr)) continue;
          const record = str(m, 'record');
          if (record) records.add(record);
          const alert = str(m, 'alert');
          if (alert) alerts.add(alert);
        }
      }
    }
  }
  return { alerts, records };
}

/**
 * Rendered rule and test files (`prometheus/rules/*`, `prometheus/tests/*`) with every rule that
 * reads a field the GPU does not report removed. Alerts are removed by name only when every rule of
 * that name is unusable; otherwise only the unusable rules of it go.
 */
export function rulesForCapabilities(files: Map<string, string>, fields: Iterable<string>): { files: Map<string, string>; droppedAlerts: string[] } {
  const present = new Set(fields);
  const has = (f: string) => present.has(f);
  const out = new Map(files);
  // The usual case, without parsing (most of a render's time, issue 15): every DCGM field any rule
  // or test file mentions anywhere is reported, so nothing can be dropped.
  const texts = [...files].filter(([p]) => p.startsWith('prometheus/rules/') || p.startsWith('prometheus/tests/')).map(([, t]) => t);
  if (texts.every((t) => fieldsIn(t).every(has))) return { files: out, droppedAlerts: [] };
  // Only files that can change are parsed: those naming an absent field, then those naming a
  // record that is dropped (until no more are), and below the tests that name either, a dropped
  // alert or a removed rule file. A plain text search over-selects (a name inside a comment),
  // never under-selects; a parsed file that needs no change is left as it was.
  const absent = [...new Set(texts.flatMap((t) => [...fieldsIn(t), ...[...t.matchAll(/DCGM_(?:FI|EXP)_[A-Z0-9_]+/g)].map((m) => m[0])]))].filter((f) => !has(f));
  const names = (t: string, list: Iterable<string>) => [...list].some((n) => t.includes(n));
  const ruleTexts = [...files].filter(([p]) => p.startsWith('prometheus/rules/'));
  const ruleDocs = new Map(ruleTexts.filter(([, t]) => names(t, absent)).map(([p, t]) => [p, parseDocument(t)]));
  for (let more = true; more; ) {
    const { records: dropping } = droppedRules([...ruleDocs.values()], has);
    const next = ruleTexts.filter(([p, t]) => !ruleDocs.has(p) && names(t, dropping));
    for (const [p, t] of next) ruleDocs.set(p, parseDocument(t));
    more = next.length > 0;
  }
  const rewritten = new Set<string>();
  for (const [p, doc] of ruleDocs) {
    for (const group of (doc.get('groups') as YAMLSeq | undefined)?.items ?? []) {
      for (const rule of ((group as YAMLMap).get('rules') as YAMLSeq | undefined)?.items ?? []) {
        const expr = str(rule as YAMLMap, 'expr');
        const kept = expr === undefined ? expr : withoutAbsentExclusion(expr, has);
        if (kept === expr) continue;
        (rule as YAMLMap).set('expr', kept);
        rewritten.add(p);
      }
    }
  }
  const { alerts, records } = droppedRules([...ruleDocs.values()], has);
  const unusable = (m: YAMLMap) => {
    const expr = str(m, 'expr') ?? '';
    return fieldsIn(expr).some((f) => !has(f)) || [...records].some((r) => expr.includes(r));
  };
  const stillDefined = new Set<string>();
  for (const [p, doc] of ruleDocs) {
    let changed = false;
    const groups = doc.get('groups') as YAMLSeq | undefined;
    for (const group of groups?.items ?? []) {
      const rules = (group as YAMLMap).get('rules') as YAMLSeq | undefined;
      if (!rules) continue;
      const keep = rules.items.filter((r) => !unusable(r as YAMLMap));
      if (keep.length !== rules.items.length) {
        // The first rule's comment sits on the list itself: it goes with that rule.
        if (keep[0] !== rules.items[0]) rules.commentBefore = null;
        rules.items = keep;
        changed = true;
      }
      for (const r of keep) {
        const a = str(r as YAMLMap, 'alert');
        if (a) stillDefined.add(a);
      }
    }
    if (!changed && !rewritten.has(p)) continue;
    if (groups) groups.items = groups.items.filter((g) => (((g as YAMLMap).get('rules') as YAMLSeq | undefined)?.items.length ?? 0) > 0);
    if (!groups || groups.items.length === 0) out.delete(p);
    else out.set(p, doc.toString({ lineWidth: 0 }));
  }
  const gone = [...alerts].filter((a) => !stillDefined.has(a)).sort();
  const goneSet = new Set(gone);
  const removedRuleFiles = [...ruleDocs.keys()].filter((p) => !out.has(p)).map((p) => p.slice('prometheus/rules/'.length));
  for (const [p, text] of files) {
    if (!p.startsWith('prometheus/tests/')) continue;
    if (!names(text, [...absent, ...records, ...gone, ...removedRuleFiles])) continue;
    const doc = parseDocument(text);
    const ruleFiles = (doc.get('rule_files') as YAMLSeq | undefined)?.items.map(String) ?? [];
    const tests = doc.get('tests') as YAMLSeq | undefined;
    if (!tests || !isSeq(tests)) continue;
    // A test whose rule file was removed entirely cannot load it.
    if (ruleFiles.some((r) => !out.has(`prometheus/rules/${r.replace(/^\.\.\/rules\//, '')}`))) {
      out.delete(p);
      continue;
    }
    const before = tests.items.length;
    // A test whose input series are of a field no GPU here reports describes another GPU.
    tests.items = tests.items.filter((t) => !isMap(t) || !inputFields(t).some((f) => !has(f)));
    let changed = tests.items.length !== before;
    for (const t of tests.items) {
      if (!isMap(t)) continue;
      for (const key of ['alert_rule_test', 'promql_expr_test'] as const) {
        const list = t.get(key) as YAMLSeq | undefined;
        if (!list || !isSeq(list)) continue;
        const keep = list.items.filter((c) => {
          const m = c as YAMLMap;
          if (key === 'alert_rule_test') return !goneSet.has(str(m, 'alertname') ?? '');
          const expr = str(m, 'expr') ?? '';
          return !(fieldsIn(expr).some((f) => !has(f)) || [...records].some((r) => expr.includes(r)));
        });
        if (keep.length !== list.items.length) {
          changed = true;
          if (keep.length) list.items = keep;
          else t.delete(key);
        }
      }
    }
    if (!changed) continue;
    tests.items = tests.items.filter((t) => isMap(t) && (t.has('alert_rule_test') || t.has('promql_expr_test')));
    if (tests.items.length === 0) out.delete(p);
    else out.set(p, doc.toString({ lineWidth: 0 }));
  }
  return { files: out, droppedAlerts: gone };
}
