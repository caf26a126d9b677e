// The integration registry: render, secrets, the manifest and the dashboards ask it what the
// configured integrations bring. Adding one = a module in this folder + its entry below + its
// alert pack in alerts/<name>/ and dashboard in dashboards/integrations/.
import type { DashboardFile } from '../../dashboards/shared.js';
import type { Config } from '../config/schema.js';
import type { Service } from '../render/compose.js';
import type { StackSecret } from '../render/secrets.js';
import { postgres } from './postgres.js';
import { pushgateway } from './pushgateway.js';
import { redis } from './redis.js';
import { sglang } from './sglang.js';
import type { IntegrationName } from './schema.js';
import type { Integration, IntegrationSecret } from './types.js';
import { vllm } from './vllm.js';

export const integrations: readonly Integration[] = [postgres, redis, pushgateway, vllm, sglang];

export const enabledIntegrations = (config: Config): Integration[] => integrations.filter((i) => i.enabled(config));

export const isIntegrationPack = (pack: string): pack is IntegrationName => integrations.some((i) => i.name === pack);

/** An integration alert pack renders only when its integration is configured. */
export const integrationConfigured = (config: Config, pack: IntegrationName): boolean =>
  integrations.find((i) => i.name === pack)!.enabled(config);

export function integrationServices(config: Config, secrets: StackSecret[]): Record<string, Service> {
  return Object.fromEntries(enabledIntegrations(config).flatMap((i) => (i.service ? [[i.service.name, i.service.build(config, secrets)]] : [])));
}

export function integrationVolumes(config: Config): Record<string, object> {
  return Object.fromEntries(enabledIntegrations(config).flatMap((i) => (i.service?.volumes ?? []).map((v) => [v, {}])));
}

export const integrationJobs = (config: Config, self: Record<string, string>): Record<string, unknown>[] =>
  enabledIntegrations(config).map((i) => i.job(config, self));

/** Required series by scrape job name. */
export const integrationRequiredMetrics = (config: Config): Map<string, string[]> =>
  new Map(enabledIntegrations(config).map((i) => [String(i.job(config, {}).job_name), i.requiredMetrics]));

export const integrationSecrets = (config: Config): IntegrationSecret[] => enabledIntegrations(config).flatMap((i) => i.secrets(config));

/** The service that reads an integration secret (integration_<name>_...). */
export function integrationSecretService(secretName: string): string | undefined {
  const i = integrations.find((x) => secretName.startsWith(`integration_${x.name}_`));
  return i?.service?.name;
}

export const integrationDashboards = (config: Config, datasourceUid: string, gpu: 'none' | 'nvidia' | 'gb10'): DashboardFile[] =>
  enabledIntegrations(config).map((i) => i.dashboard(datasourceUid, gpu));
