// The shipped alert packs (alerts/<pack>/X.rules.yml with X.test.yml and X.<part>.test.yml), with
// the schema's default thresholds substituted as obsctl renders them, and every mutant of every
// rule: expression mutants (mutants.ts) and `for:` mutants, each a whole mutated rules file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { substituteDataFilesystem } from '../../src/render/prometheus-disk.js';
import { substituteThresholds, thresholdValues } from '../../src/render/thresholds.js';
import { mutateExpr, mutateFor } from './mutants.js';

export interface RulesFile {
  /** `app/red.rules.yml` */
  path: string;
  text: string;
  /** Test files beside it, name -> substituted text. */
  tests: Map<string, string>;
}

export interface Mutant {
  /** Stable id: `app/red.rules.yml AppErrorBudgetBurn#2 function: rate -> irate (1st)`. */
  id: string;
  file: RulesFile;
  /** The mutated rules file. */
  text: string;
}

const defaults = thresholdValues(configSchema.parse({}).alerts as unknown as Record<string, Record<string, unknown>>);
const render = (text: string, source: string): string => substituteDataFilesystem(substituteThresholds(text, defaults, source), '/var/lib/docker');

/** Every rules file of alerts/ with its test files (the pairing test/alerts.test.ts enforces). */
export function loadPacks(alertsDir: string): RulesFile[] {
  const out: RulesFile[] = [];
  for (const pack of readdirSync(alertsDir).sort()) {
    const names = readdirSync(join(alertsDir, pack)).sort();
    for (const rules of names.filter((f) => f.endsWith('.rules.yml'))) {
      const stem = rules.replace(/\.rules\.yml$/, '');
      // X.test.yml and X.long.test.yml, but not a profile variant's X.gb10.test.yml.
      const tests = names.filter((f) => f === `${stem}.test.yml` || (f.startsWith(`${stem}.`) && /^\.[a-z]+\.test\.yml$/.test(f.slice(stem.length)) && !/^\.(nvidia|gb10)\./.test(f.slice(stem.length))));
      const read = (f: string): string => render(readFileSync(join(alertsDir, pack, f), 'utf8'), `alerts/${pack}/${f}`);
      out.push({ path: `${pack}/${rules}`, text: read(rules), tests: new Map(tests.map((t) => [t, read(t)])) });
    }
  }
  return out;
}

interface RuleNode {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
}

/** All mutants of one rules file, in file order; mutants that leave the file unchanged are dropped. */
export function mutantsOf(file: RulesFile): Mutant[] {
  const doc = parseDocument(file.text);
  const groups = (doc.toJSON() as { groups: { rules: RuleNode[] }[] }).groups;
  const recorded = groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
  const seenNames = new Map<string, number>();
  const out: Mutant[] = [];
  // Comments and layout may change when printed again: compare with the unmutated file reprinted.
  const texts = new Set([doc.toString({ lineWidth: 0 })]);
  const count = new Map<string, number>();
  for (const r of groups.flatMap((gr) => gr.rules)) count.set(r.alert ?? r.record ?? '?', (count.get(r.alert ?? r.record ?? '?') ?? 0) + 1);
  groups.forEach((group, g) => {
    group.rules.forEach((rule, r) => {
      const name = rule.alert ?? rule.record ?? '?';
      const n = (seenNames.get(name) ?? 0) + 1;
      seenNames.set(name, n);
      // Alerts that share a name (a critical and a warning one) are told apart by position.
      const ruleId = `${file.path} ${name}${count.get(name)! > 1 ? `#${n}` : ''}`;
      const push = (what: string, edit: (d: ReturnType<typeof parseDocument>) => void): void => {
        const d = parseDocument(file.text);
        edit(d);
        const text = d.toString({ lineWidth: 0 });
        if (texts.has(text)) return;
        texts.add(text);
        out.push({ id: `${ruleId} ${what}`, file, text });
      };
      let exprMutants;
      try {
        exprMutants = mutateExpr(rule.expr, recorded);
      } catch (e) {
        throw new Error(`alerts/${file.path}: ${name}: ${(e as Error).message}`);
      }
      for (const m of exprMutants) push(`${m.kind}: ${m.what}`, (d) => d.setIn(['groups', g, 'rules', r, 'expr'], m.expr));
      for (const m of mutateFor(rule.for)) {
        push(`for: ${m.what.replace(/^for: /, '')}`, (d) => (m.for === undefined ? d.deleteIn(['groups', g, 'rules', r, 'for']) : d.setIn(['groups', g, 'rules', r, 'for'], m.for)));
      }
    });
  });
  return out;
}
