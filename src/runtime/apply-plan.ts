// After `docker compose up`, which services still need a nudge: a service whose container was
// kept (same id) but whose mounted config changed must reload (Prometheus, Alertmanager) or
// restart (the rest read their config only at start). Which directories each service mounts and
// how it applies them come from the manifest. Pure, so it is tested without Docker.
import type { ManifestService } from '../render/manifest.js';
import type { WritePlan } from '../render/write.js';

export interface Nudges {
  reload: string[];
  restart: string[];
}

export type ServiceConfig = Pick<ManifestService, 'name' | 'configDirs' | 'apply'>;

/** Files of the plan under the directories a service mounts. */
export const changedConfig = (plan: WritePlan, service: ServiceConfig) =>
  [...plan.create, ...plan.update, ...plan.remove].filter((f) => service.configDirs.some((d) => f.startsWith(d)));

export function nudgesAfterUp(plan: WritePlan, before: Map<string, string>, after: Map<string, string>, services: ServiceConfig[]): Nudges {
  const out: Nudges = { reload: [], restart: [] };
  for (const service of services) {
    const id = after.get(service.name);
    if (!id || before.get(service.name) !== id) continue; // new or recreated: it read the new config at start
    if (changedConfig(plan, service).length === 0) continue;
    (service.apply === 'reload' ? out.reload : out.restart).push(service.name);
  }
  return out;
}
