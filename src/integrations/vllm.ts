// vLLM serves its own Prometheus metrics on the API port (/metrics): a scrape job, no exporter.
// Metric names are those of the recorded real output in test/fixtures/vllm/.
import { vllmDashboard } from '../../dashboards/integrations/vllm.js';
import { parseTargetUrl } from '../render/prometheus.js';
import type { Integration } from './types.js';

export const vllm: Integration = {
  name: 'vllm',
  enabled: (config) => Boolean(config.integrations.vllm),
  job: (config, self) => {
    const v = config.integrations.vllm!;
    const parsed = v.urls.map(parseTargetUrl);
    return {
      job_name: 'vllm',
      ...(v.interval ? { scrape_interval: v.interval } : {}),
      scheme: parsed.find((p) => p.scheme)?.scheme ?? 'http',
      metrics_path: parsed.find((p) => p.path)?.path ?? '/metrics',
      static_configs: [{ targets: parsed.map((p) => p.address), labels: self }],
    };
  },
  requiredMetrics: ['vllm:num_requests_running', 'vllm:num_requests_waiting', 'vllm:time_to_first_token_seconds_bucket', 'vllm:generation_tokens_total'],
  secrets: () => [],
  dashboard: (uid, gpu) => vllmDashboard(uid, gpu),
};
