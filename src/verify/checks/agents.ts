// Agent fleet, on central: every node that remote-writes here is named with the age of its last
// sample. Central scrapes no node in this topology, so its targets page cannot say a node is gone;
// the age of the newest `up` sample each node's agent wrote can (a healthy agent writes one per
// scrape interval, plus the remote-write batch delay).
import type { ExpectedStack } from '../expected.js';
import { describeFailure, promQuery } from '../http.js';
import { fail, pass, type VerifyCheck } from '../types.js';

/** Seconds a node's newest sample may be old: two scrapes plus remote write's batching. */
export const maxAgeSeconds = (intervalSeconds: number) => 2 * intervalSeconds + 15;

export async function agentChecks(prometheus: string, expected: ExpectedStack): Promise<VerifyCheck[]> {
  const out: VerifyCheck[] = [];
  for (const agent of expected.agents ?? []) {
    const name = `host ${agent.host}`;
    const query = `time() - timestamp(up{host="${agent.host}"})`;
    const [age, up] = await Promise.all([promQuery(prometheus, query), promQuery(prometheus, `up{host="${agent.host}"}`)]);
    if (!age.ok) {
      out.push(fail('targets', name, `cannot query Prometheus: ${describeFailure(age)}`, { evidence: query }));
      continue;
    }
    const limit = maxAgeSeconds(agent.intervalSeconds);
    const problems = agent.jobs.flatMap((job) => {
      const a = age.series.find((s) => s.metric.job === job);
      if (!a) return [`no ${job} sample from ${agent.host} in the last 5 minutes (remote write)`];
      const seconds = Number(a.value[1]);
      if (seconds > limit) return [`${job}: last sample via remote write ${Math.round(seconds)} s ago (limit ${limit} s)`];
      const u = up.series.find((s) => s.metric.job === job);
      return u && u.value[1] === '1' ? [] : [`${job} on ${agent.host} is down (its agent cannot scrape it)`];
    });
    const newest = Math.min(...agent.jobs.map((job) => Number(age.series.find((s) => s.metric.job === job)?.value[1] ?? Infinity)));
    out.push(
      problems.length
        ? fail('targets', name, problems[0]!, {
            evidence: problems.join('\n'),
            needs: { jobs: agent.jobs },
            hint: agent.tls
              ? `Is obsctl up --host ${agent.host} running there with its current .obsctl/fleet-hosts/${agent.host}.json, and can its agent reach central's TLS receiver (obsctl logs prometheus on ${agent.host}: a 401 or "bad certificate" means its bundle is stale; rerun obsctl fleet-certs and copy it)?`
              : `Is obsctl up --host ${agent.host} running there, and can its agent reach central's Prometheus (obsctl logs prometheus on ${agent.host})?`,
          })
        : pass('targets', name, `${agent.jobs.join(', ')} up; last sample via remote write ${Math.round(newest)} s ago${agent.tls ? ' (TLS receiver: client certificate and basic auth)' : ''}`),
    );
  }
  return out;
}
