// Every panel query of every provisioned dashboard, run against Prometheus, returns data for this
// host's profile. This is where hand-made stacks fail: GPU panels that stay empty on a DGX Spark.
import type { ExpectedStack } from '../expected.js';
import { describeFailure, promQuery } from '../http.js';
import { fail, pass, skip, type VerifyCheck } from '../types.js';

/** Grafana's variables replaced the way an "All" selection would expand them. */
export function expandVariables(expr: string): string {
  return expr
    .replace(/\$\{?__rate_interval\}?/g, '1m')
    .replace(/\$\{?__interval\}?/g, '30s')
    .replace(/\$\{?__range\}?/g, '1h')
    .replace(/\$\{?__range_s\}?/g, '3600')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, '.+');
}

/**
 * Panels that are right to be empty on a healthy stack: firing alerts, XID errors (the series is
 * absent until an XID occurs), and failures that have not happened.
 */
export function mayBeEmpty(expr: string): boolean {
  // Integrations: replication lag exists on replicas only, maxmemory only when set, pushed groups
  // only once a batch job has pushed.
  if (/pg_replication_lag_seconds|redis_memory_max_bytes\S* > 0|push_time_seconds|push_failure_time_seconds/.test(expr)) return true;
  return /==\s*0\b|\bALERTS\b|XID_ERRORS|outcome="failure"|status=~"5|errs_total|oom_kill|rule_evaluation_failures|notifications_(errors|dropped)|failed_total|\bchanges\(|readonly/.test(expr);
}

export async function dashboardChecks(prometheus: string, expected: ExpectedStack, hasAppTargets: boolean): Promise<VerifyCheck[]> {
  return Promise.all(
    expected.dashboards.map(async (d) => {
      const label = `dashboard ${d.title}`;
      if (d.uid === 'obsctl-app') {
        if (!hasAppTargets) return skip('dashboards', label, 'no app targets in obsctl.yaml');
        // The App dashboard reads what obsctl's metrics helper emits; other apps are checked as targets only.
        const helper = await promQuery(prometheus, 'count(app_build_info)');
        if (helper.ok && helper.series.length === 0) return skip('dashboards', label, 'no app target exposes obsctl/metrics (app_build_info absent)');
      }
      const exprs = d.queries;
      const empty: string[] = [];
      const emptyQueries: string[] = [];
      for (const { where, expr } of exprs) {
        const query = expandVariables(expr);
        const r = await promQuery(prometheus, query);
        if (!r.ok) return fail('dashboards', label, `${where}: query failed: ${describeFailure(r)}`, { evidence: query });
        if (r.series.length === 0 && !mayBeEmpty(expr)) {
          empty.push(`${where}: ${query}`);
          emptyQueries.push(query);
        }
      }
      return empty.length
        ? fail('dashboards', label, `${empty.length} of ${exprs.length} panel queries return no data`, {
            evidence: empty.join('\n'),
            needs: { queries: emptyQueries },
            hint: d.uid === 'obsctl-gpu' ? `Does this GPU emit these fields? Profile is ${expected.profile}.` : 'The series behind these panels are not there: check the targets above.',
          })
        : pass('dashboards', label, `all ${exprs.length} panel queries return data`);
    }),
  );
}
