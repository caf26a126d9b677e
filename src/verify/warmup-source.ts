// Reads what warm-up needs from the deployed stack: intervals and recording rules from the rendered
// files, start times from the Docker engine (local stack) and from Prometheus itself (any stack).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Engine } from '../runtime/engine.js';
import type { ExpectedStack } from './expected.js';
import { seconds } from './expected.js';
import { getJson } from './http.js';
import { recordedSeries } from './readiness.js';
import type { WarmupModel } from './warmup.js';

export async function loadWarmupModel(dir: string, expected: ExpectedStack, prometheus: string, engine?: Engine): Promise<WarmupModel | undefined> {
  const prom = parse(fs.readFileSync(path.join(dir, 'prometheus/prometheus.yml'), 'utf8')) as { global?: { evaluation_interval?: string } };
  const evaluationSeconds = seconds(prom.global?.evaluation_interval ?? '1m');
  const rulesDir = path.join(dir, 'prometheus/rules');
  const ruleDocs = (fs.existsSync(rulesDir) ? fs.readdirSync(rulesDir).sort() : []).map((f) => parse(fs.readFileSync(path.join(rulesDir, f), 'utf8')) as unknown);
  const starts: number[] = [];
  if (engine) {
    for (const c of await engine.projectContainers(expected.project).catch(() => [])) {
      if (c.state === 'running' && c.startedAt) starts.push(Date.parse(c.startedAt));
    }
  }
  // Prometheus' own start time: a remote stack has no containers to ask.
  const info = await getJson<{ data?: { startTime?: string } }>(`${prometheus}/api/v1/status/runtimeinfo`);
  if (info.body?.data?.startTime) starts.push(Date.parse(info.body.data.startTime));
  const known = starts.filter((t) => Number.isFinite(t));
  if (!known.length) return undefined;
  return {
    startedAt: Math.max(...known),
    evaluationSeconds,
    intervals: { scrape: new Map(expected.jobs.map((j) => [j.name, j.intervalSeconds])), recorded: recordedSeries(ruleDocs, evaluationSeconds) },
  };
}
