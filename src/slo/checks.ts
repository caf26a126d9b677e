// Cross-field rules for `slos:` and `anomalies:`: refuse what cannot work, at the line that says it.
//  - an objective whose fastest page can never fire (an error ratio cannot pass 100 %),
//  - a period Prometheus does not keep (retention_time shorter than the period),
//  - a latency threshold that is not a bucket bound of the histogram (say which exist),
//  - a target that is neither a job nor a probe, custom selectors that are not selectors.
import { ruleIssue, type RuleIssue } from '../config/rule-issue.js';
import type { Config } from '../config/schema.js';
import { appMetrics, durationBuckets } from '../metrics/names.js';
import { formatNumber } from '../render/thresholds.js';
import { sloPlan } from './rules.js';
import { selectorProblem } from './selector.js';
import { durationSeconds, promDuration } from './windows.js';

const MIN_PERIOD_S = 7 * 86400;
const MAX_PERIOD_S = 90 * 86400;

const issue = (at: PropertyKey[], code: string, message: string, hint?: string): RuleIssue => ruleIssue(at, code, message, hint);

const bucketText = (b: number) => (b < 1 ? `${formatNumber(b * 1000)}ms` : `${formatNumber(b)}s`);

export function sloConfigRules(config: Config): RuleIssue[] {
  const out: RuleIssue[] = [];
  const jobs = new Set(config.targets.map((t) => t.name));
  const probes = new Set(config.exporters.blackbox.probes.map((p) => p.name));
  const seen = new Set<string>();
  const retentionS = durationSeconds(config.prometheus.retention_time);
  config.slos.forEach((slo, i) => {
    const at = (...p: PropertyKey[]) => ['slos', i, ...p];
    if (seen.has(slo.name)) out.push(issue(at('name'), 'duplicate_slo', `SLO name "${slo.name}" appears twice`));
    seen.add(slo.name);
    const custom = typeof slo.sli === 'object' && 'errors' in slo.sli;
    if (!custom && !jobs.has(slo.target) && !probes.has(slo.target)) {
      const known = [...jobs, ...probes];
      out.push(issue(at('target'), 'unknown_slo_target', `target "${slo.target}" is not a job in targets or a blackbox probe`, known.length ? `Known: ${known.join(', ')}.` : 'Add the service under targets first (obsctl add target NAME URL).'));
    }
    const periodS = durationSeconds(slo.period);
    if (periodS < MIN_PERIOD_S || periodS > MAX_PERIOD_S) {
      out.push(issue(at('period'), 'slo_period_range', `period ${slo.period} is outside 7d..90d`, 'The burn-rate windows are scaled from the SRE workbook\'s 30d; use 7d to 90d (28d or 30d are usual).'));
    } else if (retentionS < periodS) {
      out.push(issue(at('period'), 'slo_period_retention', `period ${slo.period} is longer than prometheus.retention_time ${config.prometheus.retention_time}: the budget would be computed from partial data`, `Raise prometheus.retention_time to at least ${promDuration(periodS)}, or shorten the period.`));
    }
    const plan = sloPlan(slo);
    const page = plan.alerts[0]!;
    if (page.threshold >= 1) {
      const minObjective = formatNumber(Math.ceil((1 - 1 / page.factor) * 10000) / 100);
      out.push(issue(at('objective'), 'slo_cannot_page', `objective ${formatNumber(slo.objective)} % leaves a ${formatNumber(plan.budget * 100)} % error budget: the fast page fires at ${formatNumber(page.factor)}x that (${formatNumber(page.threshold * 100)} % errors), which no error ratio can reach`, `Use an objective of at least ${minObjective} %, or track this service without an SLO.`));
    }
    if (typeof slo.sli === 'object' && 'latency' in slo.sli) {
      if (probes.has(slo.target)) {
        out.push(issue(at('sli'), 'slo_latency_probe', `a latency SLI needs the request histogram; "${slo.target}" is a blackbox probe`, 'Use sli: availability for a probe.'));
      } else {
        const t = durationSeconds(slo.sli.latency.threshold);
        if (!durationBuckets.some((b) => Math.abs(b - t) < 1e-9)) {
          out.push(issue(at('sli', 'latency', 'threshold'), 'slo_threshold_not_bucket', `${slo.sli.latency.threshold} is not a bucket bound of ${appMetrics.requestDuration.name}, so the share of requests faster than it cannot be counted`, `Buckets: ${durationBuckets.map(bucketText).join(', ')}.`));
        }
      }
    }
    if (custom && typeof slo.sli === 'object' && 'errors' in slo.sli) {
      for (const key of ['errors', 'total'] as const) {
        const problem = selectorProblem(slo.sli[key]);
        if (problem) out.push(issue(at('sli', key), 'slo_selector', `${key}: ${problem}`, 'Give a counter selector such as http_requests_total{job="api",code=~"5.."}.'));
      }
    }
  });
  const anomalyNames = new Set<string>();
  config.anomalies.forEach((a, i) => {
    const at = (...p: PropertyKey[]) => ['anomalies', i, ...p];
    if (anomalyNames.has(a.name)) out.push(issue(at('name'), 'duplicate_anomaly', `anomaly name "${a.name}" appears twice`));
    anomalyNames.add(a.name);
    if (Boolean(a.target) === Boolean(a.gpu_metric)) {
      out.push(issue(at(), 'anomaly_signal', 'give exactly one of target (a job\'s request rate) or gpu_metric'));
    } else if (a.target && !jobs.has(a.target)) {
      out.push(issue(at('target'), 'unknown_anomaly_target', `target "${a.target}" is not a job in targets`, jobs.size ? `Known: ${[...jobs].join(', ')}.` : undefined));
    }
  });
  return out;
}
