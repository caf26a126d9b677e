// SGLang: latency (TTFT and time-per-output-token percentiles, end to end), throughput in tokens/s,
// running and queued requests, KV-cache token-pool usage and prefix-cache hit rate; joined with the
// GPU panels of the same host. Names: test/fixtures/sglang/ (recorded real output).
import { UNITS, datasourceVariable, finish, queryVariable, ratioThresholds, row, sel, statPanel, timeseriesPanel, type DashboardFile } from '../shared.js';
import { sameHostGpuPanels } from './vllm.js';

export const SGLANG_UID = 'obsctl-sglang';

export function sglangDashboard(uid: string, gpu: 'none' | 'nvidia' | 'gb10'): DashboardFile {
  const S = `{${sel('host', 'instance', 'model_name')}}`;
  const rate = (m: string) => `rate(${m}${S}[$__rate_interval])`;
  const q = (p: number, m: string) => `histogram_quantile(${p}, sum by (le) (${rate(`${m}_bucket`)}))`;
  return finish({
    uid: SGLANG_UID,
    title: 'obsctl / SGLang',
    description: 'SGLang servers from their own /metrics (--enable-metrics): time to first token and time per output token percentiles, tokens/s, running and queued requests, KV-cache token pool, prefix-cache hit rate; GPU panels of the same host below.',
    variables: [
      datasourceVariable(uid),
      queryVariable(uid, 'host', 'Host', 'label_values(sglang:num_running_reqs, host)'),
      queryVariable(uid, 'instance', 'Server', `label_values(sglang:num_running_reqs{${sel('host')}}, instance)`),
      queryVariable(uid, 'model_name', 'Model', `label_values(sglang:num_running_reqs{${sel('host', 'instance')}}, model_name)`),
    ],
    items: [
      statPanel(uid, 'Running', [{ expr: `sum(sglang:num_running_reqs${S})` }], { unit: UNITS.short }),
      statPanel(uid, 'Queued', [{ expr: `sum(sglang:num_queue_reqs${S})` }], { unit: UNITS.short, thresholds: ratioThresholds(1, 10) }),
      statPanel(uid, 'Token pool', [{ expr: `max(sglang:token_usage${S})` }], { unit: UNITS.percentunit, thresholds: ratioThresholds(0.85, 0.95) }),
      statPanel(uid, 'Generated tokens/s', [{ expr: `sum(${rate('sglang:generation_tokens_total')})` }], { unit: UNITS.short }),
      statPanel(uid, 'TTFT p95', [{ expr: q(0.95, 'sglang:time_to_first_token_seconds') }], { unit: UNITS.seconds, thresholds: ratioThresholds(1, 2) }),
      statPanel(uid, 'Time per output token p95', [{ expr: q(0.95, 'sglang:time_per_output_token_seconds') }], { unit: UNITS.seconds, thresholds: ratioThresholds(0.05, 0.1) }),
      row('Latency'),
      timeseriesPanel(uid, 'Time to first token', [
        { expr: q(0.5, 'sglang:time_to_first_token_seconds'), legend: 'p50' },
        { expr: q(0.95, 'sglang:time_to_first_token_seconds'), legend: 'p95' },
        { expr: q(0.99, 'sglang:time_to_first_token_seconds'), legend: 'p99' },
      ], { unit: UNITS.seconds, min: 0, w: 8 }),
      timeseriesPanel(uid, 'Time per output token', [
        { expr: q(0.5, 'sglang:time_per_output_token_seconds'), legend: 'p50' },
        { expr: q(0.95, 'sglang:time_per_output_token_seconds'), legend: 'p95' },
        { expr: q(0.99, 'sglang:time_per_output_token_seconds'), legend: 'p99' },
      ], { unit: UNITS.seconds, min: 0, w: 8 }),
      timeseriesPanel(uid, 'End-to-end request latency', [
        { expr: q(0.5, 'sglang:e2e_request_latency_seconds'), legend: 'p50' },
        { expr: q(0.95, 'sglang:e2e_request_latency_seconds'), legend: 'p95' },
      ], { unit: UNITS.seconds, min: 0, w: 8 }),
      row('Throughput and load'),
      timeseriesPanel(uid, 'Tokens per second', [
        { expr: `sum by (instance) (${rate('sglang:prompt_tokens_total')})`, legend: '{{instance}} prompt' },
        { expr: `sum by (instance) (${rate('sglang:generation_tokens_total')})`, legend: '{{instance}} generated' },
      ], { unit: UNITS.short, min: 0, w: 8 }),
      timeseriesPanel(uid, 'Requests running / queued', [
        { expr: `sum by (instance) (sglang:num_running_reqs${S})`, legend: '{{instance}} running' },
        { expr: `sum by (instance) (sglang:num_queue_reqs${S})`, legend: '{{instance}} queued' },
      ], { unit: UNITS.short, min: 0, w: 8 }),
      timeseriesPanel(uid, 'KV-cache token pool used', [{ expr: `max by (instance) (sglang:token_usage${S})`, legend: '{{instance}}' }], { unit: UNITS.percentunit, min: 0, max: 1, w: 8 }),
      timeseriesPanel(uid, 'Prefix-cache hit rate', [{ expr: `avg by (instance) (sglang:cache_hit_rate${S})`, legend: '{{instance}}' }], { unit: UNITS.percentunit, min: 0, max: 1, w: 12 }),
      timeseriesPanel(uid, 'Tokens in use', [{ expr: `sum by (instance) (sglang:num_used_tokens${S})`, legend: '{{instance}}' }], { unit: UNITS.short, min: 0, w: 12 }),
      ...sameHostGpuPanels(uid, gpu),
    ],
  });
}
