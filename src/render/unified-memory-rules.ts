// The GB10 unified-memory alert (alerts/gpu/memory.gb10.rules.yml) in a fleet. On a GB10 the GPU's
// memory is the host's system memory, read from node-exporter, a series every host has: unscoped,
// the rule would call any host's full RAM "unified GPU/CPU memory almost full" (a central without
// a GPU, a CPU node, an H100 server). And a mixed fleet's content profile is nvidia (inventory.ts
// fleetProfile), which picks the framebuffer rule alone: its GB10 hosts had no memory alert at all.
// So in an inventory the rule is rendered whenever some host has unified memory, scoped to those
// hosts by the `host` label every series carries (`host=~"spark-a|spark-b"`), beside the
// framebuffer rule, which reads DCGM_FI_DEV_FB_* that GB10 never emits. Its promtool tests run with
// a host of the other kind at the same usage, which must not fire. A single host is unchanged.
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Config } from '../config/schema.js';
import type { GpuCapabilities } from './capabilities.js';
import { renderRuleFiles, type ContentFile } from './rules.js';

const RULES = 'prometheus/rules/gpu-memory.gb10.rules.yml';
const TESTS = 'prometheus/tests/gpu-memory.gb10.test.yml';
const FB = ['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE'];

/** Hosts whose GPU memory is unified system memory (as the GPU dashboard's memory panels decide). */
export const unifiedMemoryHosts = (perHost: Record<string, GpuCapabilities>): string[] =>
  Object.entries(perHost)
    .filter(([, c]) => c.unifiedMemory && !FB.every((f) => c.fields.includes(f)))
    .map(([name]) => name);

/** `node_memory_X` and `node_memory_X{a="b"}` with `host=~"…"` added. */
const scopeExpr = (expr: string, hosts: string[]) =>
  expr.replace(/\b(node_memory_[A-Za-z0-9_]+)(\{([^}]*)\})?/g, (_m, name: string, _b, labels?: string) => `${name}{${labels ? `${labels},` : ''}host=~"${hosts.join('|')}"}`);

const withHost = (series: string, host: string) => series.replace(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/, (_m, name: string, brace?: string) => `${name}{host="${host}"${brace ? ',' : '}'}`);

/** The file's header comment with one more line saying what this fleet changed. */
function withNote(text: string, note: string): string {
  const header = /^(?:#.*\n)*/.exec(text)![0];
  return `${header}# In this fleet: ${note}.\n${text.slice(header.length)}`;
}

function scopedRules(text: string, hosts: string[]): string {
  const doc = parseDocument(text);
  for (const group of (doc.get('groups') as YAMLSeq | undefined)?.items ?? []) {
    for (const rule of ((group as YAMLMap).get('rules') as YAMLSeq | undefined)?.items ?? []) {
      const expr = (rule as YAMLMap).get('expr');
      if (typeof expr === 'string') (rule as YAMLMap).set('expr', scopeExpr(expr, hosts));
    }
  }
  return withNote(doc.toString({ lineWidth: 0 }), 'scoped to the hosts with unified memory (src/render/unified-memory-rules.ts)');
}

/** Each test's series on a unified host, and the same series on a host of the other kind, which must stay silent. */
function scopedTests(text: string, unified: string, other: string | undefined): string {
  const doc = parseDocument(text);
  for (const test of (doc.get('tests') as YAMLSeq | undefined)?.items ?? []) {
    if (!isMap(test)) continue;
    const series = test.get('input_series') as YAMLSeq | undefined;
    if (isSeq(series)) {
      const copies: YAMLMap[] = [];
      for (const s of series.items) {
        if (!isMap(s)) continue;
        const name = String(s.get('series'));
        s.set('series', withHost(name, unified));
        if (!other) continue;
        const copy = s.clone() as YAMLMap;
        copy.commentBefore = null;
        copy.set('series', withHost(name, other));
        copies.push(copy);
      }
      series.items.push(...copies);
    }
    for (const check of (test.get('alert_rule_test') as YAMLSeq | undefined)?.items ?? []) {
      for (const exp of ((check as YAMLMap).get('exp_alerts') as YAMLSeq | undefined)?.items ?? []) {
        const labels = (exp as YAMLMap).get('exp_labels') as YAMLMap | undefined;
        labels?.set('host', unified);
      }
    }
  }
  const note = other ? `${unified} has unified memory; ${other}'s series at the same usage must not fire` : `${unified} has unified memory`;
  return withNote(doc.toString({ lineWidth: 0 }), note);
}

/**
 * `rules` (the rendered prometheus/rules and prometheus/tests files) with the unified-memory rule
 * and its tests scoped to the fleet's unified-memory hosts, added when the content profile left
 * them out. Unchanged when no host has unified memory or every host does.
 */
export function withUnifiedMemoryRules(rules: Map<string, string>, config: Config, content: ContentFile[], perHost: Record<string, GpuCapabilities>): Map<string, string> {
  const unified = unifiedMemoryHosts(perHost);
  const others = config.hosts.map((h) => h.name).filter((h) => !unified.includes(h));
  if (unified.length === 0 || others.length === 0) return rules;
  // The other kind in the tests: a GPU host without unified memory if there is one, else any host.
  const other = others.find((h) => perHost[h]) ?? others[0];
  const gb10 = rules.has(RULES) ? rules : renderRuleFiles(config, content.filter((f) => f.path.startsWith('gpu/memory.gb10.')), true, 'gb10');
  const rulesText = gb10.get(RULES);
  if (rulesText === undefined) return rules; // the gpu alert pack is off
  const out = new Map(rules);
  out.set(RULES, scopedRules(rulesText, unified));
  const testText = gb10.get(TESTS);
  if (testText !== undefined) out.set(TESTS, scopedTests(testText, unified[0]!, other));
  return out;
}
