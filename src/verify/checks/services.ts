// Is every service of the stack up? Containers through the Docker Engine API (when the stack is
// local), then each component's own readiness endpoint.
import type { Engine } from '../../runtime/engine.js';
import type { ExpectedStack } from '../expected.js';
import { describeFailure, getJson } from '../http.js';
import { fail, pass, skip, type VerifyCheck } from '../types.js';

export async function containerChecks(engine: Engine | undefined, expected: ExpectedStack, services: string[]): Promise<VerifyCheck[]> {
  if (!engine) return [skip('services', 'containers', 'stack is remote (or Docker unreachable): container health not checked')];
  const containers = await engine.projectContainers(expected.project);
  const out: VerifyCheck[] = [];
  for (const service of services) {
    const c = containers.find((x) => x.service === service);
    if (!c) {
      out.push(fail('services', `container ${service}`, 'no container', { hint: 'Run `obsctl up`.' }));
      continue;
    }
    if (c.state !== 'running' || (c.health && c.health !== 'healthy')) {
      const log = (await engine.healthLog(c.id)).at(-1);
      out.push(
        fail('services', `container ${service}`, `${c.state}${c.health ? `, ${c.health}` : ''}`, {
          ...(log ? { evidence: `last health check: ${log.slice(0, 300)}` } : {}),
          hint: c.state === 'running' ? `See \`obsctl logs ${service}\`.` : `Start it again with \`obsctl up\`; see \`obsctl logs ${service}\` for why it stopped.`,
        }),
      );
    } else out.push(pass('services', `container ${service}`, c.health ? 'running, healthy' : 'running'));
  }
  return out;
}

export async function readinessChecks(urls: { prometheus: string; alertmanager: string; grafana?: string }): Promise<VerifyCheck[]> {
  const probe = async (name: string, url: string, hint: string): Promise<VerifyCheck> => {
    const r = await getJson(url);
    return r.ok ? pass('services', name, `${url} answers ${r.status}`) : fail('services', name, `${url}: ${describeFailure(r)}`, { evidence: `GET ${url}`, hint });
  };
  return Promise.all([
    probe('prometheus ready', `${urls.prometheus}/-/ready`, 'Is Prometheus running? `obsctl status`, `obsctl logs prometheus`.'),
    probe('alertmanager ready', `${urls.alertmanager}/-/ready`, 'Is Alertmanager running? `obsctl status`, `obsctl logs alertmanager`.'),
    ...(urls.grafana ? [probe('grafana health', `${urls.grafana}/api/health`, 'Is Grafana running? `obsctl logs grafana`.')] : []),
  ]);
}
