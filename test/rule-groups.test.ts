// stack.json's rule groups come from a line scanner (src/render/rule-groups.ts) where the file has
// the shape obsctl writes, else from the YAML parser: both must give the parser's answer.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsedRuleGroups, ruleGroupsOf, scanRuleGroups } from '../src/render/rule-groups.js';

const root = path.resolve(import.meta.dirname, '..');
const ruleFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? ruleFiles(path.join(dir, e.name)) : e.name.endsWith('.rules.yml') ? [path.join(dir, e.name)] : []));

describe('rule groups of a rule file', () => {
  const files = [...ruleFiles(path.join(root, 'alerts')), ...ruleFiles(path.join(root, 'test', 'golden'))];

  it('reads every rule file obsctl ships or renders without the parser, with the parser\'s answer', () => {
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const scanned = scanRuleGroups(text);
      expect(scanned, `${path.relative(root, file)} should be read by the scanner`).toBeDefined();
      expect(scanned, path.relative(root, file)).toEqual(parsedRuleGroups(text));
    }
  });

  it('reads what the yaml library writes (SLO rules, re-rendered GPU rules)', () => {
    const doc = { groups: [{ name: 'slo-api', interval: '30s', rules: [{ record: 'a:b', expr: 'sum(x)\n  by (job)', labels: { slo: 'api' } }, { alert: 'Burn', expr: 'a:b > 1', for: '5m' }] }, { name: 'empty', rules: [] as unknown[] }] };
    const text = stringify(doc, { lineWidth: 0 });
    expect(scanRuleGroups(text)).toEqual([{ name: 'slo-api', rules: 2 }, { name: 'empty', rules: 0 }]);
  });

  const parserOnly: [string, string][] = [
    ['flow list', 'groups:\n  - name: a\n    rules: [{alert: X, expr: up}]\n'],
    ['quoted name', 'groups:\n  - name: "a b"\n    rules:\n      - alert: X\n        expr: up\n'],
    ['a name YAML reads as a boolean', 'groups:\n  - name: true\n    rules:\n      - alert: X\n        expr: up\n'],
    ['a name on the next line', 'groups:\n  - interval: 1m\n    name: a\n    rules:\n      - alert: X\n        expr: up\n'],
    ['an anchor', 'groups:\n  - name: a\n    rules: &r\n      - alert: X\n        expr: up\n  - name: b\n    rules: *r\n'],
    ['a second document', 'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n---\ngroups: []\n'],
    ['another top-level key', 'x: 1\ngroups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n'],
    ['a name continued on the next line', 'groups:\n  - name: a\n      b\n    rules:\n      - alert: X\n        expr: up\n'],
    ['a duplicate key', 'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n    rules:\n      - alert: Y\n        expr: up\n'],
  ];
  for (const [what, text] of parserOnly) {
    it(`leaves ${what} to the parser`, () => {
      expect(scanRuleGroups(text)).toBeUndefined();
      let parsed: unknown;
      try {
        parsed = parsedRuleGroups(text);
      } catch (e) {
        parsed = e;
      }
      let answered: unknown;
      try {
        answered = ruleGroupsOf(text);
      } catch (e) {
        answered = e;
      }
      expect(answered).toEqual(parsed);
    });
  }

  it('counts rules in compact lists, skips comments and block scalars', () => {
    const text = [
      '# header',
      'groups:',
      '- name: a',
      '  rules:',
      '  - alert: X',
      '    # a comment',
      '    expr: |',
      '      up',
      '      - not a rule',
      '  - record: y',
      '    expr: up',
      '  interval: 30s',
      '- name: b',
      '  labels:',
      '    team: x',
      '  rules:',
      '  - alert: Z',
      '    expr: up',
      '',
    ].join('\n');
    expect(scanRuleGroups(text)).toEqual([{ name: 'a', rules: 2 }, { name: 'b', rules: 1 }]);
    expect(scanRuleGroups(text)).toEqual(parsedRuleGroups(text));
  });
});
