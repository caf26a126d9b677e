// The series each exporter must deliver exist (on GB10 only what GB10 emits), and no job exceeds
// the cardinality ceiling. Series counts per job are reported either way.
import type { ExpectedStack } from '../expected.js';
import { describeFailure, promQuery } from '../http.js';
import { fail, pass, warn, type VerifyCheck } from '../types.js';
import { describeGpu } from '../../render/capabilities.js';
import { missingFeatures } from '../../render/gpu-features.js';
import { thresholdForms } from '../../render/gpu-thresholds.js';
import type { GpuCapabilities } from '../../render/capabilities.js';

export async function metricChecks(prometheus: string, expected: ExpectedStack): Promise<VerifyCheck[]> {
  const counts = await promQuery(prometheus, 'sum by (job) (scrape_samples_scraped)');
  if (!counts.ok) return [fail('metrics', 'series', `cannot query Prometheus: ${describeFailure(counts)}`)];
  const perJob = new Map(counts.series.map((s) => [s.metric.job, Number(s.value[1])]));
  const jobs = await Promise.all(
    expected.jobs.map(async (job) => {
      const series = perJob.get(job.name) ?? 0;
      if (series > expected.maxSeriesPerJob) {
        return fail('metrics', `series ${job.name}`, `${series} series > ceiling ${expected.maxSeriesPerJob}`, { hint: 'A label with unbounded values (raw URLs, ids)? Or raise verify.max_series_per_job.' });
      }
      if (job.requiredMetrics.length === 0) return pass('metrics', `series ${job.name}`, `${series} series`);
      const q = `count by (__name__) ({job="${job.name}", __name__=~"${job.requiredMetrics.join('|')}"})`;
      const r = await promQuery(prometheus, q);
      if (!r.ok) return fail('metrics', `series ${job.name}`, `query failed: ${describeFailure(r)}`, { evidence: q });
      const present = new Set(r.series.map((s) => s.metric.__name__));
      const missing = job.requiredMetrics.filter((m) => !present.has(m));
      if (missing.length === 0) return pass('metrics', `series ${job.name}`, `${series} series; all ${job.requiredMetrics.length} required present`);
      const gpu = job.name === 'dcgm-exporter';
      const check = series === 0 ? warn : fail;
      return check('metrics', `series ${job.name}`, `missing ${missing.join(', ')}`, {
        evidence: q,
        needs: { jobs: [job.name] },
        hint: gpu ? `This host's GPU does not emit them: is gpu: ${expected.profile} right for it?` : 'Does the target expose these metrics? Check its /metrics output.',
      });
    }),
  );
  return [...jobs, ...gpuCapabilityChecks(expected)];
}

/**
 * One warning per capability a GPU host does not report: its panels and alerts were left out on
 * purpose, and the user should know that, e.g. that temperature alerts are off on a vGPU guest.
 */
export function gpuCapabilityChecks(expected: ExpectedStack): VerifyCheck[] {
  const all = expected.gpuCapabilities ?? {};
  return Object.entries(all).flatMap(([host, caps]) => {
    const missing = missingFeatures(caps);
    const name = (id: string) => `gpu ${id}${Object.keys(all).length > 1 ? ` ${host}` : ''}`;
    const source = caps.source === 'profile' ? `the ${expected.profile} profile's counters (not discovered yet)` : caps.source === 'recording' ? 'the replayed recording' : "the exporter's output";
    return [
      pass('metrics', name('capabilities'), `${caps.fields.length} DCGM fields reported (${describeGpu(caps)}; from ${source})`),
      ...thresholdChecks(caps, expected, name),
      ...missing.map((m) => warn('metrics', name(m.feature.id), m.sentence, { hint: `Fields: ${m.feature.fields.join(', ')}. Rendered content follows what the GPU reports; nothing to fix unless the GPU should report it (counters file, driver, vGPU).` })),
    ];
  });
}

/** Which threshold form the GPU alerts use on this host: the GPU's own limits, or obsctl.yaml's values. */
function thresholdChecks(caps: GpuCapabilities, expected: ExpectedStack, name: (id: string) => string): VerifyCheck[] {
  if (!expected.gpuThresholds) return [];
  const forms = thresholdForms(caps, expected.gpuThresholds);
  if (forms.length === 0) return [];
  return [pass('metrics', name('thresholds'), forms.map((f) => f.sentence).join('; '))];
}
