// Agent fleet, on central: every node that remote-writes here is named with the age of its last
// sample. Central scrapes no node in this topology, so its targets page cannot say a node is gone;
// the age of the newest `up` sample each node's agent wrote can (a healthy agent writes one per
// scrape interval, plus the remote-write batch delay).
import type { ExpectedStack } from '../expected.js';
import { describeFailure, promQuery } from '../http.js';
import { fail, pass, type VerifyCheck } from '../types.js';

/** Seconds a node's newest sample may be old: two scrapes plus remote write's batching. */
export const maxAgeSeconds = (intervalSeconds: number) => 2 * intervalSeconds + 15;

/**
 * One query for every node's sample ages and one for its `up`, not two per node: on a 100-host
 * fleet that was 200 round trips to Prometheus, one after the other (issue 15). Each series is
 * then matched to its node by the `host` label, as `up{host="…"}` did.
 */
export async function agentChecks(prometheus: string, expected: ExpectedStack): Promise<VerifyCheck[]> {
  const agents = expected.agents ?? [];
  if (agents.length === 0) return [];
  const query = 'time() - timestamp(up)';
  const [age, up] = await Promise.all([promQuery(prometheus, query), promQuery(prometheus, 'up')]);
  if (!age.ok) return agents.map((agent) => fail('targets', `host ${agent.host}`, `cannot query Prometheus: ${describeFailure(age)}`, { evidence: query }));
  const key = (host: string | undefined, job: string | undefined) => `${host}\u0000${job}`;
  // Each agent scrapes one target per job: one series per host and job (the first, should there be more).
  const first = <T extends { metric: Record<string, string> }>(series: T[]) => {
    const out = new Map<string, T>();
    for (const s of series) if (!out.has(key(s.metric.host, s.metric.job))) out.set(key(s.metric.host, s.metric.job), s);
    return out;
  };
  const ages = first(age.series);
  const ups = first(up.series);
  return agents.map((agent) => {
    const name = `host ${agent.host}`;
    const limit = maxAgeSeconds(agent.intervalSeconds);
    const problems = agent.jobs.flatMap((job) => {
      const a = ages.get(key(agent.host, job));
      if (!a) return [`no ${job} sample from ${agent.host} in the last 5 minutes (remote write)`];
      const seconds = Number(a.value[1]);
      if (seconds > limit) return [`${job}: last sample via remote write ${Math.round(seconds)} s ago (limit ${limit} s)`];
      const u = ups.get(key(agent.host, job));
      return u && u.value[1] === '1' ? [] : [`${job} on ${agent.host} is down (its agent cannot scrape it)`];
    });
    const newest = Math.min(...agent.jobs.map((job) => Number(ages.get(key(agent.host, job))?.value[1] ?? Infinity)));
    return problems.length
      ? fail('targets', name, problems[0]!, {
          evidence: problems.join('\n'),
          needs: { jobs: agent.jobs },
          hint: agent.tls
            ? `Is obsctl up --host ${agent.host} running there with its current .obsctl/fleet-hosts/${agent.host}.json, and can its agent reach central's TLS receiver (obsctl logs prometheus on ${agent.host}: a 401 or "bad certificate" means its bundle is stale; rerun obsctl fleet-certs and copy it)?`
            : `Is obsctl up --host ${agent.host} running there, and can its agent reach central's Prometheus (obsctl logs prometheus on ${agent.host})?`,
        })
      : pass('targets', name, `${agent.jobs.join(', ')} up; last sample via remote write ${Math.round(newest)} s ago${agent.tls ? ' (TLS receiver: client certificate and basic auth)' : ''}`);
  });
}
