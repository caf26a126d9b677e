// After `docker compose up`, which services still need a nudge: a service whose container was
// kept (same id) but whose mounted config changed must reload (Prometheus, Alertmanager) or
// restart (the rest read their config only at start). Pure, so it is tested without Docker.
import type { WritePlan } from '../render/write.js';

/** Which rendered directory each service mounts. */
export const configDirs: Record<string, string[]> = {
  prometheus: ['prometheus/'],
  alertmanager: ['alertmanager/'],
  grafana: ['grafana/provisioning/'], // dashboards are re-read by the provider every 30 s
  // The simulated exporter reads its recording only at start: a new recording needs a restart.
  'dcgm-exporter': ['dcgm/', 'dcgm-sim/'],
  blackbox: ['blackbox/'],
};

export const reloadable = new Set(['prometheus', 'alertmanager']);

export interface Nudges {
  reload: string[];
  restart: string[];
}

export function nudgesAfterUp(plan: WritePlan, before: Map<string, string>, after: Map<string, string>): Nudges {
  const changed = [...plan.create, ...plan.update, ...plan.remove];
  const out: Nudges = { reload: [], restart: [] };
  for (const [service, dirs] of Object.entries(configDirs)) {
    const id = after.get(service);
    if (!id || before.get(service) !== id) continue; // new or recreated: it read the new config at start
    if (!changed.some((f) => dirs.some((d) => f.startsWith(d)))) continue;
    (reloadable.has(service) ? out.reload : out.restart).push(service);
  }
  return out;
}
