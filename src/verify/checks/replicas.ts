// HA central (fleet.central.replicas: 2, src/render/ha.ts): each Prometheus replica ready and
// scraping on its own, each Alertmanager in a cluster of 2 ready peers, and the deduplicating
// store Grafana reads answering every dashboard query. The other groups check replica a alone (the
// published `ports.prometheus`); these say which replica is the broken one.
import type { ManifestService } from '../../render/manifest.js';
import type { ExpectedStack } from '../expected.js';
import { describeFailure, getJson, promQuery } from '../http.js';
import { fail, pass, type VerifyCheck } from '../types.js';
import { dashboardChecks } from './dashboards.js';

export interface HaEndpoints {
  prometheus: { name: string; url: string }[];
  alertmanager: { name: string; url: string }[];
  store: string;
}

/** Where this host reaches each replica: their ports published on `listen` (from stack.json). */
export function haEndpoints(services: ManifestService[]): HaEndpoints | undefined {
  if (!services.some((s) => s.name === 'prometheus-b')) return undefined;
  const url = (name: string, containerPort: number) => {
    const p = services.find((s) => s.name === name)?.ports.find((x) => x.containerPort === containerPort);
    return p ? [{ name, url: `http://${p.address === '0.0.0.0' ? '127.0.0.1' : p.address}:${p.port}` }] : [];
  };
  return {
    prometheus: [...url('prometheus', 9090), ...url('prometheus-b', 9090)],
    alertmanager: [...url('alertmanager', 9093), ...url('alertmanager-b', 9093)],
    store: url('victoria-metrics', 8428)[0]?.url ?? '',
  };
}

async function prometheusReplica(name: string, url: string, intervalSeconds: number): Promise<VerifyCheck> {
  const check = `replica ${name}`;
  const ready = await getJson(`${url}/-/ready`);
  if (!ready.ok) return fail('services', check, `not ready: ${describeFailure(ready)}`, { hint: `Start it again with \`obsctl up\`; see \`obsctl logs ${name}\`.` });
  const [age, up] = await Promise.all([promQuery(url, 'time() - max(timestamp(up))'), promQuery(url, 'count(up == 1) / count(up)')]);
  const seconds = age.ok ? Number(age.series[0]?.value[1] ?? Infinity) : Infinity;
  const limit = 2 * intervalSeconds + 15;
  if (seconds > limit) return fail('services', check, `ready, but its newest scrape is ${Number.isFinite(seconds) ? `${Math.round(seconds)} s old` : 'missing'} (limit ${limit} s)`, { needs: { jobs: ['prometheus'] } });
  const share = up.ok ? Number(up.series[0]?.value[1] ?? 0) : 0;
  return pass('services', check, `ready, scraping (newest scrape ${Math.round(seconds)} s ago, ${Math.round(share * 100)}% of its targets up)`);
}

async function alertmanagerPeer(name: string, url: string): Promise<VerifyCheck> {
  const check = `alertmanager cluster ${name}`;
  const r = await getJson<{ cluster?: { status?: string; peers?: { name: string; address: string }[] } }>(`${url}/api/v2/status`);
  if (!r.ok || !r.body) return fail('alerting', check, `cannot ask it: ${describeFailure(r)}`, { hint: `Start it again with \`obsctl up\`; see \`obsctl logs ${name}\`.` });
  const peers = r.body.cluster?.peers ?? [];
  const status = r.body.cluster?.status ?? 'disabled';
  return status === 'ready' && peers.length === 2
    ? pass('alerting', check, `cluster ready, ${peers.length} peers (${peers.map((p) => p.address).join(', ')}): each notification goes out once`)
    : fail('alerting', check, `cluster ${status}, ${peers.length} peer(s) instead of 2`, {
        evidence: JSON.stringify(r.body.cluster ?? {}),
        hint: 'Both Alertmanagers must run on the stack network and reach each other on port 9094 (see AlertmanagerClusterDegraded in docs/runbooks/stack.md).',
      });
}

export async function replicaChecks(endpoints: HaEndpoints | undefined, expected: ExpectedStack, hasAppTargets: boolean): Promise<VerifyCheck[]> {
  if (!endpoints) return [];
  const interval = expected.jobs.find((j) => j.name === 'prometheus')?.intervalSeconds ?? 15;
  const health = await getJson(`${endpoints.store}/health`);
  const store = health.ok
    ? (await dashboardChecks(endpoints.store, expected, hasAppTargets)).map((c) => ({ ...c, name: `store: ${c.name}` }))
    : [fail('dashboards', 'store victoria-metrics', `not answering: ${describeFailure(health)}`, { hint: 'Grafana reads it: start it with `obsctl up`; see `obsctl logs victoria-metrics`.' })];
  return [
    ...(await Promise.all(endpoints.prometheus.map((p) => prometheusReplica(p.name, p.url, interval)))),
    ...(await Promise.all(endpoints.alertmanager.map((a) => alertmanagerPeer(a.name, a.url)))),
    ...store,
  ];
}
