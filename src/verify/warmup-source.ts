// Reads what warm-up needs about the deployed stack: scrape intervals from its manifest, recording
// rules from its rendered rule files, start times from the Docker engine (local stack) and from
// Prometheus itself (any stack, remote included).
import fs from 'node:fs';
import { parse } from 'yaml';
import type { StackManifest } from '../render/manifest.js';
import type { Engine } from '../runtime/engine.js';
import { seconds } from './expected.js';
import { getJson } from './http.js';
import { recordedSeries } from './readiness.js';
import type { WarmupModel } from './warmup.js';

export const readIfExists = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

export interface WarmupSource {
  manifest: StackManifest;
  /** A file of the rendered stack by its path in it (prometheus/rules/...). */
  renderedFile: (path: string) => string | undefined;
  evaluationInterval: string;
  prometheus: string;
  engine?: Engine;
}

export async function loadWarmupModel(s: WarmupSource): Promise<WarmupModel | undefined> {
  const evaluationSeconds = seconds(s.evaluationInterval);
  const ruleDocs = [...new Set(s.manifest.ruleGroups.map((g) => g.file))].map((f) => {
    const text = s.renderedFile(`prometheus/rules/${f}`);
    return text ? (parse(text) as unknown) : undefined;
  });
  const starts: number[] = [];
  if (s.engine) {
    for (const c of await s.engine.projectContainers(s.manifest.project).catch(() => [])) {
      if (c.state === 'running' && c.startedAt) starts.push(Date.parse(c.startedAt));
    }
  }
  // Prometheus' own start time: a remote stack has no containers to ask.
  const info = await getJson<{ data?: { startTime?: string; lastConfigTime?: string } }>(`${s.prometheus}/api/v1/status/runtimeinfo`);
  if (info.body?.data?.startTime) starts.push(Date.parse(info.body.data.startTime));
  const known = starts.filter((t) => Number.isFinite(t));
  if (!known.length) return undefined;
  // Whole seconds in Prometheus' answer: the reload may have been up to a second later.
  const configLoadedAt = Date.parse(info.body?.data?.lastConfigTime ?? '') + 1000;
  return {
    startedAt: Math.max(...known),
    ...(Number.isFinite(configLoadedAt) ? { configLoadedAt } : {}),
    evaluationSeconds,
    intervals: { scrape: new Map(s.manifest.scrapeJobs.map((j) => [j.name, j.intervalSeconds])), recorded: recordedSeries(ruleDocs.filter(Boolean), evaluationSeconds) },
  };
}
