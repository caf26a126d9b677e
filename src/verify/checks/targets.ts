// Every scrape job obsctl rendered is active in Prometheus, every target is up, was scraped
// recently (within two intervals) and without error.
import type { ActiveTarget, TargetsResponse } from '../../prometheus-api.js';
import type { ExpectedStack } from '../expected.js';
import { describeFailure, getJson } from '../http.js';
import { fail, pass, type VerifyCheck } from '../types.js';


export async function targetChecks(prometheus: string, expected: ExpectedStack, now = Date.now()): Promise<VerifyCheck[]> {
  const r = await getJson<TargetsResponse>(`${prometheus}/api/v1/targets?state=active`);
  if (!r.ok || !r.body) return [fail('targets', 'targets', `cannot list targets: ${describeFailure(r)}`, { evidence: 'GET /api/v1/targets' })];
  const targets = r.body.data.activeTargets;
  return expected.jobs.map((job) => {
    const mine = targets.filter((t) => t.scrapePool === job.name);
    if (mine.length === 0) {
      return fail('targets', `job ${job.name}`, 'not among Prometheus\'s active targets', { hint: 'Prometheus runs another config than obsctl rendered: run `obsctl up` to apply it.' });
    }
    const problems = mine.flatMap((t) => {
      const age = (now - Date.parse(t.lastScrape)) / 1000;
      if (t.health !== 'up') return [`${t.scrapeUrl} is ${t.health}${t.lastError ? `: ${t.lastError}` : ''}`];
      if (!(age <= 2 * job.intervalSeconds + 5)) return [`${t.scrapeUrl} last scraped ${Number.isFinite(age) ? `${Math.round(age)} s ago` : 'never'} (interval ${job.intervalSeconds} s)`];
      return [];
    });
    return problems.length
      ? fail('targets', `job ${job.name}`, problems[0]!, {
          evidence: problems.join('\n'),
          // On a new stack the first scrape may precede the exporter's start: judged after two scrapes.
          needs: { jobs: [job.name] },
          hint: job.name === 'dcgm-exporter' ? 'Check `obsctl logs dcgm-exporter` and the NVIDIA container runtime.' : `Is the service at ${mine[0]!.labels.instance ?? mine[0]!.scrapeUrl} running and reachable from the Prometheus container?`,
        })
      : pass('targets', `job ${job.name}`, `${mine.length} target${mine.length > 1 ? 's' : ''} up, scraped within ${2 * job.intervalSeconds} s`);
  });
}

/** fleet.tls: says the host's scrapes are HTTPS (client certificate and basic auth, see render/fleet-tls.ts). */
const tlsNote = (targets: ActiveTarget[]) => (targets.length && targets.every((t) => t.scrapeUrl.startsWith('https://')) ? ' (TLS with client certificate and basic auth)' : '');

/** With an inventory: every host's exporters are scraped and up; a missing host is named. */
export async function inventoryChecks(prometheus: string, expected: ExpectedStack): Promise<VerifyCheck[]> {
  if (expected.inventory.length === 0) return [];
  const r = await getJson<TargetsResponse>(`${prometheus}/api/v1/targets?state=active`);
  if (!r.ok || !r.body) return [fail('targets', 'inventory', `cannot list targets: ${describeFailure(r)}`)];
  const active = r.body.data.activeTargets;
  const hosts = [...new Set(expected.inventory.map((i) => i.host))];
  return hosts.map((host) => {
    const mine = expected.inventory.filter((i) => i.host === host);
    const problems = mine.flatMap((i) => {
      const t = active.find((a) => a.scrapePool === i.job && a.labels.instance === i.target);
      if (!t) return [`${i.job} ${i.target} is not a target of Prometheus (file_sd not loaded yet?)`];
      if (t.health === 'unknown') return [`${i.job} ${i.target} has not been scraped yet`];
      return t.health === 'up' ? [] : [`${i.job} ${i.target} is ${t.health}${t.lastError ? `: ${t.lastError}` : ''}`];
    });
    return problems.length
      ? fail('targets', `host ${host}`, problems[0]!, { evidence: problems.join('\n'), needs: { jobs: mine.map((i) => i.job) }, hint: `Is obsctl up --host ${host} running there, and can the central host reach ${mine[0]!.target}?` })
      : pass('targets', `host ${host}`, `${mine.map((i) => i.job).join(', ')} up${tlsNote(active.filter((a) => a.labels.host === host && mine.some((i) => i.job === a.scrapePool)))}`);
  });
}
