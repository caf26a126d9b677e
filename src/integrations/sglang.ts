// SGLang serves its own Prometheus metrics on the API port (/metrics, with --enable-metrics): a
// scrape job, no exporter. Metric names are those of the recorded real output in test/fixtures/sglang/.
import { sglangDashboard } from '../../dashboards/integrations/sglang.js';
import { parseTargetUrl } from '../render/prometheus.js';
import type { Integration } from './types.js';

export const sglang: Integration = {
  name: 'sglang',
  enabled: (config) => Boolean(config.integrations.sglang),
  job: (config, self) => {
    const s = config.integrations.sglang!;
    const parsed = s.urls.map(parseTargetUrl);
    return {
      job_name: 'sglang',
      ...(s.interval ? { scrape_interval: s.interval } : {}),
      scheme: parsed.find((p) => p.scheme)?.scheme ?? 'http',
      metrics_path: parsed.find((p) => p.path)?.path ?? '/metrics',
      static_configs: [{ targets: parsed.map((p) => p.address), labels: self }],
    };
  },
  requiredMetrics: ['sglang:num_running_reqs', 'sglang:num_queue_reqs', 'sglang:time_to_first_token_seconds_bucket', 'sglang:generation_tokens_total'],
  secrets: () => [],
  dashboard: (uid, gpu) => sglangDashboard(uid, gpu),
};
