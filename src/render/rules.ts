// Chooses the alert and recording rule files for this stack from alerts/ and substitutes the
// thresholds from obsctl.yaml into rules and their promtool tests alike.
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { Config } from '../config/schema.js';
import { ruleFilesEntry, withRuleFiles } from './test-rule-files.js';
import { findUnresolved, substituteThresholds, thresholdValues } from './thresholds.js';
import { substituteDataFilesystem } from './prometheus-disk.js';
import type { GpuProfile } from './profile.js';
import { integrationConfigured, isIntegrationPack } from '../integrations/index.js';

/** A file of alerts/, relative to that directory, e.g. `gpu/gpu.gb10.rules.yml`. */
export interface ContentFile {
  path: string;
  text: string;
}

const profileOf = (file: string): GpuProfile | undefined => /\.(nvidia|gb10)\.(rules|test)\.yml$/.exec(file)?.[1] as GpuProfile | undefined;

/** Rendered name of an alerts/ file: `gpu/gpu.gb10.rules.yml` -> `gpu-gpu.gb10.rules.yml`. */
export const renderedName = (file: string) => file.split('/').join('-');

function included(config: Config, file: string, gpu: boolean, profile: GpuProfile): boolean {
  const [pack, name] = file.split('/') as [string, string];
  const isGpuFile = pack === 'gpu' || name.startsWith('gpu');
  if (isGpuFile && !gpu) return false;
  const fileProfile = profileOf(name);
  if (fileProfile && fileProfile !== profile) return false;
  if (pack === 'recording') return true;
  // An HA central's replica and cluster alerts (stack/ha.rules.yml, src/render/ha.ts) only there.
  if (pack === 'stack' && name.startsWith('ha.') && config.fleet.central.replicas !== 2) return false;
  if (pack === 'host' && !config.exporters.node.enabled) return false;
  if (isIntegrationPack(pack) && !integrationConfigured(config, pack)) return false;
  const settings = (config.alerts as Record<string, { enabled: boolean } | undefined>)[pack];
  return settings?.enabled ?? false;
}

export function renderRuleFiles(config: Config, content: ContentFile[], gpu: boolean, profile: GpuProfile): Map<string, string> {
  const values = thresholdValues(config.alerts as unknown as Record<string, Record<string, unknown>>);
  const out = new Map<string, string>();
  const chosen = content.filter((f) => f.path.endsWith('.rules.yml') && included(config, f.path, gpu, profile));
  const chosenNames = new Set(chosen.map((f) => f.path));
  for (const f of chosen) {
    out.set(`prometheus/rules/${renderedName(f.path)}`, substituteDataFilesystem(substituted(f, values), config.prometheus.data_filesystem));
  }
  for (const f of content.filter((c) => c.path.endsWith('.test.yml'))) {
    // Only the rule_files entry is read and rewritten (a full YAML parse was most of render's time).
    const text = substituteDataFilesystem(substituted(f, values), config.prometheus.data_filesystem);
    const entry = ruleFilesEntry(text);
    const doc = entry ? undefined : parseDocument(text);
    const ruleFiles = entry?.files ?? (doc?.get('rule_files') as { toJSON(): string[] } | undefined)?.toJSON() ?? [];
    const resolved = ruleFiles.map((r) => path.posix.normalize(path.posix.join(path.posix.dirname(f.path), r)));
    // A test runs only when every rule file it loads is part of this stack.
    if (resolved.length === 0 || !resolved.every((r) => chosenNames.has(r))) continue;
    const rendered = resolved.map((r) => `../rules/${renderedName(r)}`);
    if (doc) doc.set('rule_files', rendered);
    out.set(`prometheus/tests/${renderedName(f.path)}`, entry ? withRuleFiles(text, entry, rendered) : doc!.toString({ lineWidth: 0 }));
  }
  return out;
}

function substituted(f: ContentFile, values: Record<string, number>): string {
  const text = substituteThresholds(f.text, values, `alerts/${f.path}`);
  const left = findUnresolved(text);
  if (left.length) throw new Error(`alerts/${f.path}: malformed placeholder ${left[0]}`);
  return text;
}
