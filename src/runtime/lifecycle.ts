// Applying config changes without a restart: Prometheus and Alertmanager reload on POST /-/reload
// (Prometheus needs --web.enable-lifecycle, which obsctl always sets). A rejected config answers
// non-200 and the running config stays in place; the error text is passed on to the user.
import type { Config } from '../config/schema.js';

/** Address to reach a published port from this host. */
export const localAddress = (config: Config) => (config.listen === '0.0.0.0' ? '127.0.0.1' : config.listen);

export const serviceUrls = (config: Config) => ({
  prometheus: `http://${localAddress(config)}:${config.ports.prometheus}`,
  alertmanager: `http://${localAddress(config)}:${config.ports.alertmanager}`,
  grafana: `http://${localAddress(config)}:${config.ports.grafana}`,
});

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
