// Opt-in Prometheus 3.5 features: the OTLP metrics receiver and native histograms. Each is a server
// flag plus, for OTLP, a config section. Rendered the way 3.5 accepts them: native histograms are a
// feature flag there (promtool 3.5.3 refuses the later `scrape_native_histograms` field).
import type { Config } from '../config/schema.js';

/** Extra command-line flags of the Prometheus service. */
export function prometheusFeatureFlags(config: Config): string[] {
  return [
    ...(config.prometheus.otlp.enabled ? ['--web.enable-otlp-receiver'] : []),
    ...(config.prometheus.native_histograms ? ['--enable-feature=native-histograms'] : []),
  ];
}

/** Top-level prometheus.yml sections the features need (none when both are off). */
export function prometheusFeatureConfig(config: Config): Record<string, unknown> {
  const otlp = config.prometheus.otlp;
  if (!otlp.enabled) return {};
  return {
    otlp: {
      ...(otlp.promote_resource_attributes.length ? { promote_resource_attributes: otlp.promote_resource_attributes } : {}),
      translation_strategy: otlp.translation_strategy,
    },
    // OTel SDKs push on their own clock, several processes at once: accept samples up to 30 min
    // older than the newest of a series instead of dropping them as out of order.
    storage: { tsdb: { out_of_order_time_window: '30m' } },
  };
}

/** Where an OTLP/HTTP exporter sends metrics (the SDK's OTEL_EXPORTER_OTLP_METRICS_ENDPOINT). */
export const OTLP_METRICS_PATH = '/api/v1/otlp/v1/metrics';
