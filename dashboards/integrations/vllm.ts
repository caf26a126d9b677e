// vLLM: latency (TTFT and inter-token percentiles, end to end), throughput in tokens/s, running and
// waiting requests, KV-cache usage and preemptions; joined with the GPU panels of the same host
// (DCGM series carry the same `host` label). Names: test/fixtures/vllm/ (recorded real output).
import { UNITS, datasourceVariable, finish, queryVariable, ratioThresholds, row, sel, statPanel, timeseriesPanel, type DashboardFile } from '../shared.js';

export const VLLM_UID = 'obsctl-vllm';

/** KV-cache usage: vLLM >= 0.10 names it kv_cache_usage_perc, older ones gpu_cache_usage_perc. */
export const vllmKvCache = (s: string) => `(vllm:kv_cache_usage_perc${s} or vllm:gpu_cache_usage_perc${s})`;

/**
 * Inter-token latency buckets per second: vLLM >= 0.10.1 names the histogram inter_token_latency_seconds
 * (0.10.x exports it beside time_per_output_token_seconds, later versions drop the old name), older
 * ones time_per_output_token_seconds. `or` keeps the new series where both exist (same labels).
 */
export const vllmItlRate = (s: string, range: string) =>
  `(rate(vllm:inter_token_latency_seconds_bucket${s}[${range}]) or rate(vllm:time_per_output_token_seconds_bucket${s}[${range}]))`;

/** The GPU panels of the host an inference server runs on (DCGM series carry the same `host` label). */
export function sameHostGpuPanels(uid: string, gpu: 'none' | 'nvidia' | 'gb10'): Array<ReturnType<typeof row> | ReturnType<typeof timeseriesPanel>> {
  const H = `{${sel('host')}}`;
  return gpu === 'none'
    ? []
    : [
        row('GPU of the same host'),
        timeseriesPanel(uid, 'GPU utilisation', [{ expr: `avg by (host, gpu) (DCGM_FI_DEV_GPU_UTIL${H})`, legend: '{{host}} GPU {{gpu}}' }], { unit: UNITS.percent, min: 0, max: 100, w: 8 }),
        timeseriesPanel(uid, 'GPU power', [{ expr: `sum by (host, gpu) (DCGM_FI_DEV_POWER_USAGE${H})`, legend: '{{host}} GPU {{gpu}}' }], { unit: UNITS.watt, min: 0, w: 8 }),
        // GB10 has unified memory and no FB_* fields: its GPU temperature stands in for the third panel.
        gpu === 'gb10'
          ? timeseriesPanel(uid, 'GPU temperature', [{ expr: `max by (host, gpu) (DCGM_FI_DEV_GPU_TEMP${H})`, legend: '{{host}} GPU {{gpu}}' }], { unit: UNITS.celsius, w: 8 })
          : timeseriesPanel(uid, 'GPU memory used', [{ expr: `sum by (host, gpu) (DCGM_FI_DEV_FB_USED${H}) * 1048576`, legend: '{{host}} GPU {{gpu}}' }], { unit: UNITS.bytes, min: 0, w: 8 }),
      ];
}

export function vllmDashboard(uid: string, gpu: 'none' | 'nvidia' | 'gb10'): DashboardFile {
  const S = `{${sel('host', 'instance', 'model_name')}}`;
  const rate = (m: string) => `rate(${m}${S}[$__rate_interval])`;
  const q = (p: number, m: string) => `histogram_quantile(${p}, sum by (le) (${rate(`${m}_bucket`)}))`;
  const itl = (p: number) => `histogram_quantile(${p}, sum by (le) (${vllmItlRate(S, '$__rate_interval')}))`;
  const gpuPanels = sameHostGpuPanels(uid, gpu);
  return finish({
    uid: VLLM_UID,
    title: 'obsctl / vLLM',
    description: 'vLLM servers from their own /metrics: time to first token and inter-token latency percentiles, tokens/s, running and waiting requests, KV-cache usage, preemptions; GPU panels of the same host below.',
    variables: [
      datasourceVariable(uid),
      queryVariable(uid, 'host', 'Host', 'label_values(vllm:num_requests_running, host)'),
      queryVariable(uid, 'instance', 'Server', `label_values(vllm:num_requests_running{${sel('host')}}, instance)`),
      queryVariable(uid, 'model_name', 'Model', `label_values(vllm:num_requests_running{${sel('host', 'instance')}}, model_name)`),
    ],
    items: [
      statPanel(uid, 'Running', [{ expr: `sum(vllm:num_requests_running${S})` }], { unit: UNITS.short }),
      statPanel(uid, 'Waiting', [{ expr: `sum(vllm:num_requests_waiting${S})` }], { unit: UNITS.short, thresholds: ratioThresholds(1, 10) }),
      statPanel(uid, 'KV cache', [{ expr: `max(${vllmKvCache(S)})` }], { unit: UNITS.percentunit, thresholds: ratioThresholds(0.85, 0.95) }),
      statPanel(uid, 'Generated tokens/s', [{ expr: `sum(${rate('vllm:generation_tokens_total')})` }], { unit: UNITS.short }),
      statPanel(uid, 'TTFT p95', [{ expr: q(0.95, 'vllm:time_to_first_token_seconds') }], { unit: UNITS.seconds, thresholds: ratioThresholds(1, 2) }),
      statPanel(uid, 'Inter-token latency p95', [{ expr: itl(0.95) }], { unit: UNITS.seconds, thresholds: ratioThresholds(0.05, 0.1) }),
      row('Latency'),
      timeseriesPanel(uid, 'Time to first token', [
        { expr: q(0.5, 'vllm:time_to_first_token_seconds'), legend: 'p50' },
        { expr: q(0.95, 'vllm:time_to_first_token_seconds'), legend: 'p95' },
        { expr: q(0.99, 'vllm:time_to_first_token_seconds'), legend: 'p99' },
      ], { unit: UNITS.seconds, min: 0, w: 12 }),
      timeseriesPanel(uid, 'Inter-token latency (time per output token)', [
        { expr: itl(0.5), legend: 'p50' },
        { expr: itl(0.95), legend: 'p95' },
        { expr: itl(0.99), legend: 'p99' },
      ], { unit: UNITS.seconds, min: 0, w: 12 }),
      row('Throughput and load'),
      timeseriesPanel(uid, 'Tokens per second', [
        { expr: `sum by (instance) (${rate('vllm:prompt_tokens_total')})`, legend: '{{instance}} prompt' },
        { expr: `sum by (instance) (${rate('vllm:generation_tokens_total')})`, legend: '{{instance}} generated' },
      ], { unit: UNITS.short, min: 0, w: 8 }),
      timeseriesPanel(uid, 'Requests running / waiting', [
        { expr: `sum by (instance) (vllm:num_requests_running${S})`, legend: '{{instance}} running' },
        { expr: `sum by (instance) (vllm:num_requests_waiting${S})`, legend: '{{instance}} waiting' },
      ], { unit: UNITS.short, min: 0, w: 8 }),
      timeseriesPanel(uid, 'KV-cache usage', [{ expr: `max by (instance) (${vllmKvCache(S)})`, legend: '{{instance}}' }], { unit: UNITS.percentunit, min: 0, max: 1, w: 8 }),
      timeseriesPanel(uid, 'Finished requests', [{ expr: `sum by (finished_reason) (${rate('vllm:request_success_total')})`, legend: '{{finished_reason}}' }], { unit: UNITS.reqps, min: 0, w: 12 }),
      timeseriesPanel(uid, 'Preemptions', [{ expr: `sum by (instance) (${rate('vllm:num_preemptions_total')})`, legend: '{{instance}}' }], { unit: UNITS.ops, min: 0, w: 12 }),
      ...gpuPanels,
    ],
  });
}
