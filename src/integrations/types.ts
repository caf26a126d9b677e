// What one integration contributes to a stack. Each integration is one module in this folder
// (postgres.ts, redis.ts, ...) exporting an Integration; index.ts is the registry that render,
// secrets, the manifest and the dashboards ask.
import type { DashboardFile } from '../../dashboards/shared.js';
import type { Config, SecretRef, ServiceName } from '../config/schema.js';
import type { Service } from '../render/compose.js';
import type { StackSecret } from '../render/secrets.js';
import type { IntegrationName } from './schema.js';

export interface IntegrationSecret {
  /** Compose secret name, also the file under /run/secrets. */
  name: string;
  /** Where it is in obsctl.yaml (for located errors). */
  at: PropertyKey[];
  ref: SecretRef;
}

export interface Integration {
  name: IntegrationName;
  /** Configured in this obsctl.yaml? */
  enabled(config: Config): boolean;
  /** The exporter service it runs (none for a server scraped directly, such as vLLM). */
  service?: { name: ServiceName; build(config: Config, secrets: StackSecret[]): Service; volumes?: string[] };
  /** Its Prometheus scrape job; `self` is the host identity labels every series carries. */
  job(config: Config, self: Record<string, string>): Record<string, unknown>;
  /** Series `obsctl verify` requires from its scrape job. */
  requiredMetrics: string[];
  secrets(config: Config): IntegrationSecret[];
  /** Its dashboard; `gpu` = the stack has GPU panels to join (same host). */
  dashboard(datasourceUid: string, gpu: 'none' | 'nvidia' | 'gb10'): DashboardFile;
}
