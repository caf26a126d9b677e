// obsctl gpu record: flags -> recordExporter -> file (or stdout).
import fs from 'node:fs';
import { errors } from '../../errors.js';
import { capabilitiesFromExposition, describeGpu } from '../../render/capabilities.js';
import { recordExporter } from '../../runtime/gpu-record.js';
import { strictSeconds } from '../../duration.js';
import { err, out, printJson } from '../output.js';

export interface GpuRecordOptions {
  url: string;
  out?: string;
  duration: string;
  interval: string;
  keepLabels: boolean;
  json: boolean;
}

export async function gpuRecord(options: GpuRecordOptions): Promise<number> {
  const durationS = strictSeconds(options.duration);
  const intervalS = strictSeconds(options.interval);
  if (durationS === undefined || intervalS === undefined || intervalS <= 0) throw errors.usage(`--duration ${options.duration} / --interval ${options.interval}: not durations`, 'Use e.g. --duration 30s --interval 5s.');
  const r = await recordExporter({ url: options.url, durationMs: durationS * 1000, intervalMs: intervalS * 1000, keepLabels: options.keepLabels });
  const caps = capabilitiesFromExposition(r.text);
  if (options.out) fs.writeFileSync(options.out, r.text);
  else if (!options.json) out(r.text.trimEnd());
  const summary = { ok: true, file: options.out ?? null, scrapes: r.scrapes, series: r.series, fields: caps.fields, gpu: describeGpu(caps), constantZero: caps.constantZero };
  if (options.json) printJson(summary);
  else if (options.out) err(`recorded ${r.series} series (${caps.fields.length} fields, ${describeGpu(caps)}) from ${r.scrapes} scrape${r.scrapes === 1 ? '' : 's'} into ${options.out}; replay: obsctl up --simulate-gpu=${options.out}`);
  return 0;
}
