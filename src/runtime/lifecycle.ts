// Applying config changes without a restart: Prometheus and Alertmanager reload on POST /-/reload
// (Prometheus needs --web.enable-lifecycle, which obsctl always sets). A rejected config answers
// non-200 and the running config stays in place; the error text is passed on to the user.
import type { Config } from '../config/schema.js';
import type { ManifestService } from '../render/manifest.js';

/** Address to reach a published port from this host. */
export const localAddress = (config: Config) => (config.listen === '0.0.0.0' ? '127.0.0.1' : config.listen);

export const serviceUrls = (config: Config) => ({
  prometheus: `http://${localAddress(config)}:${config.ports.prometheus}`,
  alertmanager: `http://${localAddress(config)}:${config.ports.alertmanager}`,
  grafana: `http://${localAddress(config)}:${config.ports.grafana}`,
});

/**
 * Where `up` POSTs /-/reload for each service of stack.json that applies config by reloading:
 * Prometheus and Alertmanager at their configured ports, an HA central's replicas of them
 * (prometheus-b, alertmanager-b) at the port they publish first, on `listen`.
 */
export function reloadUrls(config: Config, services: Pick<ManifestService, 'name' | 'apply' | 'ports'>[]): Record<string, string> {
  const primary: Record<string, string> = serviceUrls(config);
  const out: Record<string, string> = {};
  for (const s of services) {
    if (s.apply !== 'reload') continue;
    const p = s.ports[0];
    const url = primary[s.name] ?? (p ? `http://${p.address === '0.0.0.0' ? '127.0.0.1' : p.address}:${p.port}` : undefined);
    if (url) out[s.name] = url;
  }
  return out;
}

export interface ReloadResult {
  ok: boolean;
  detail: string;
}

export async function reload(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<ReloadResult> {
  try {
    const r = await fetchImpl(`${baseUrl}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(15_000) });
    const body = (await r.text()).trim();
    return r.ok ? { ok: true, detail: 'reloaded' } : { ok: false, detail: `HTTP ${r.status}: ${body || r.statusText}` };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}
