// The groups of a rendered Prometheus rule file (name, number of rules) for stack.json. A full YAML
// parse of every rule file was a fifth of a cold `obsctl render` (issue 15), so the shape every
// rule file obsctl writes has (alerts/, SLO and integration rules, re-rendered GPU rules) is read
// line by line:
//
//   groups:
//     - name: obsctl-host-node        (a plain name)
//       interval: 30s                 (other plain group keys, optional)
//       rules:
//         - alert: ...                (one rule per `- ` at the list's indentation)
//
// Lines more indented than the rule list belong to a rule (its expr, block scalars, labels) and are
// not read. Anything else (flow style, quoted or odd names, anchors, tabs, directives, a second
// document, keys it does not know) is read by the YAML parser instead, so the answer is the
// parser's answer either way (test/rule-groups.test.ts holds the two side by side).
import { parse } from 'yaml';

export interface RuleGroupSummary {
  name: string;
  rules: number;
}

// A name YAML reads as this very string: no quotes, no number, boolean or null look-alikes.
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;
const NOT_A_STRING = /^(?:true|false|null|yes|no|on|off|y|n)$/i;
// A group key with a plain one-line value (`interval: 30s`, `limit: 10`).
const GROUP_KEY = /^([a-z_]+):(?: +(\[\]|[^\s'"|>[\]{}&*!%@`#][^#]*?))?$/;

export function ruleGroupsOf(text: string): RuleGroupSummary[] {
  return scanRuleGroups(text) ?? parsedRuleGroups(text);
}

export function parsedRuleGroups(text: string): RuleGroupSummary[] {
  const doc = parse(text) as { groups?: { name: string; rules?: unknown[] }[] };
  return (doc.groups ?? []).map((g) => ({ name: g.name, rules: g.rules?.length ?? 0 }));
}

/** The groups, or undefined when the text is not in the shape this reads. */
export function scanRuleGroups(text: string): RuleGroupSummary[] | undefined {
  if (text.includes('\r') || text.includes('\t') || text.startsWith('\uFEFF')) return undefined;
  const groups: RuleGroupSummary[] = [];
  let seenGroups = false;
  let groupIndent = -1; // column of a group's `- `
  let ruleIndent = -1; // column of a rule's `- ` in the current group
  let inRules = false;
  let keys = new Set<string>();
  let nestedKey = false; // the last group key has its value on the lines below (`labels:`)
  for (const line of text.split('\n')) {
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    const indent = line.length - body.length;
    if (indent === 0 && !body.startsWith('-')) {
      if (line !== 'groups:' || seenGroups) return undefined;
      seenGroups = true;
      continue;
    }
    if (!seenGroups) return undefined;
    if (groupIndent === -1) groupIndent = indent;
    if (indent === groupIndent) {
      const m = /^- name: (\S+)$/.exec(body);
      if (!m || !PLAIN_NAME.test(m[1]!) || NOT_A_STRING.test(m[1]!)) return undefined;
      groups.push({ name: m[1]!, rules: 0 });
      keys = new Set(['name']);
      inRules = false;
      nestedKey = false;
      ruleIndent = -1;
      continue;
    }
    if (indent < groupIndent) return undefined;
    const group = groups.at(-1);
    if (!group) return undefined;
    const keyIndent = groupIndent + 2;
    if (inRules) {
      const item = /^-(?: |$)/.test(body);
      if (ruleIndent === -1) {
        if (indent < keyIndent || !item) return undefined;
        ruleIndent = indent;
      }
      if (indent === ruleIndent && item) {
        group.rules++;
        continue;
      }
      if (indent > ruleIndent) continue; // inside a rule
      inRules = false; // a group key after the list
    }
    if (indent > keyIndent) {
      if (nestedKey) continue; // the value of a group key such as labels: not read
      return undefined;
    }
    if (indent !== keyIndent) return undefined;
    const m = GROUP_KEY.exec(body);
    if (!m || keys.has(m[1]!)) return undefined;
    keys.add(m[1]!);
    nestedKey = m[2] === undefined && m[1] !== 'rules';
    if (m[1] === 'rules') {
      if (m[2] === undefined) inRules = true;
      else if (m[2] !== '[]') return undefined; // an empty list, as the yaml library writes it
    }
  }
  return seenGroups ? groups : undefined;
}
