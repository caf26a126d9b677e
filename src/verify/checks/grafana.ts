// Grafana: up, its Prometheus datasource healthy, every dashboard obsctl provisions present.
// (Tested against recorded Grafana API responses only: no Grafana runs on obsctl's CI machines.)
import { GrafanaClient, isGrafanaError } from '../../grafana/index.js';
import { prometheusDatasourceUid } from '../../render/grafana.js';
import type { ExpectedStack } from '../expected.js';
import { fail, pass, skip, type VerifyCheck } from '../types.js';

export async function grafanaChecks(url: string | undefined, expected: ExpectedStack, credentials: { user: string; password?: string }): Promise<VerifyCheck[]> {
  if (!url) return [skip('grafana', 'grafana', 'Grafana is disabled in obsctl.yaml')];
  if (!credentials.password) return [skip('grafana', 'grafana', 'no Grafana password known (set OBSCTL_GRAFANA_PASSWORD for a remote stack)')];
  const client = new GrafanaClient({ baseUrl: url, user: credentials.user, password: credentials.password, timeoutMs: 8000 });
  const explain = (e: unknown) => (isGrafanaError(e) ? e.message : (e as Error).message);
  const out: VerifyCheck[] = [];
  try {
    const ds = await client.datasourceHealth(prometheusDatasourceUid);
    out.push(ds.ok ? pass('grafana', 'datasource Prometheus', ds.message) : fail('grafana', 'datasource Prometheus', ds.message, { hint: 'Grafana cannot query Prometheus: is prometheus:9090 reachable on the stack network?' }));
  } catch (e) {
    out.push(fail('grafana', 'datasource Prometheus', explain(e), { hint: 'Check the provisioned datasource (grafana/provisioning/datasources) and Grafana\'s log.' }));
  }
  for (const d of expected.dashboards) {
    try {
      const found = await client.getDashboard(d.uid);
      out.push(found.found ? pass('grafana', `dashboard ${d.uid}`, 'provisioned') : fail('grafana', `dashboard ${d.uid}`, 'not provisioned', { hint: 'Grafana re-reads /etc/obsctl/dashboards every 30 s; see `obsctl logs grafana` for provisioning errors.' }));
    } catch (e) {
      out.push(fail('grafana', `dashboard ${d.uid}`, explain(e)));
    }
  }
  return out;
}
