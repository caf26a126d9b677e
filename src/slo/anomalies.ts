// Opt-in anomaly detection (`anomalies:`): a z-score of a signal (a target's request rate, or a GPU
// metric per GPU) against its own mean and standard deviation over the last day and the last week.
// The alert needs |z| >= z over BOTH baselines for `for:`, and is info severity: something to look
// at, never a page. Low variance is guarded: the deviation is padded by 5 % of the mean, so a flat
// series' small wobble is not a 10-sigma event. A daily cycle keeps |z| near 1.4 at most (a sine's
// peak is sqrt(2) standard deviations from its mean), while a step change shoots far past 3.
import type { Anomaly, Config } from '../config/schema.js';
import { appMetrics } from '../metrics/names.js';
import { formatNumber } from '../render/thresholds.js';
import { durationSeconds } from './windows.js';

export const ANOMALY_ALERT = 'AnomalyDetected';
const BASELINES = ['1d', '1w'] as const;
const PAD = 0.05;

export const anomalyRec = {
  value: 'anomaly:signal:value',
  avg: (w: string) => `anomaly:signal:avg_over_time_${w}`,
  stddev: (w: string) => `anomaly:signal:stddev_over_time_${w}`,
  z: (w: string) => `anomaly:signal:zscore_${w}`,
};

function signal(a: Anomaly): string {
  if (a.gpu_metric) return `avg by (instance, gpu) (${a.gpu_metric})`;
  return `sum(rate(${appMetrics.requestsTotal.name}{job="${a.target}"}[5m]))`;
}

const what = (a: Anomaly) => (a.gpu_metric ? `${a.gpu_metric} of a GPU (labels instance, gpu)` : `the request rate of ${a.target}`);

export const anomalyAnnotations = (a: Anomaly): Record<string, string> => ({
  summary: `Anomaly ${a.name}: ${what(a)} left its usual range`,
  description: `${what(a)} has been more than ${formatNumber(a.z)} standard deviations from its mean of the last day and of the last week for ${a.for}.`,
});

export function anomalyRuleFile(config: Pick<Config, 'anomalies'>): Record<string, unknown> {
  return {
    groups: config.anomalies.map((a) => {
      const at = `{anomaly="${a.name}"}`;
      const labels = { anomaly: a.name };
      const rules: Record<string, unknown>[] = [{ record: anomalyRec.value, expr: signal(a), labels }];
      for (const w of BASELINES) {
        rules.push(
          { record: anomalyRec.avg(w), expr: `avg_over_time(${anomalyRec.value}${at}[${w}])`, labels },
          { record: anomalyRec.stddev(w), expr: `stddev_over_time(${anomalyRec.value}${at}[${w}])`, labels },
          {
            record: anomalyRec.z(w),
            expr: `(${anomalyRec.value}${at} - ${anomalyRec.avg(w)}${at})\n/ (${anomalyRec.stddev(w)}${at} + ${PAD} * abs(${anomalyRec.avg(w)}${at}))`,
            labels,
          },
        );
      }
      rules.push({
        alert: ANOMALY_ALERT,
        expr: BASELINES.map((w) => `abs(${anomalyRec.z(w)}${at}) >= ${formatNumber(a.z)}`).join('\nand\n'),
        for: a.for,
        labels: { anomaly: a.name, severity: 'info', pack: 'anomaly' },
        annotations: anomalyAnnotations(a),
      });
      return { name: `obsctl-anomaly-${a.name}`, rules };
    }),
  };
}

const STEP_S = 60;
/** Rules run every 10 minutes in the tests (two days of them): the verdicts need no finer grain. */
const EVAL_S = 600;
const alignEval = (s: number) => Math.ceil(s / EVAL_S) * EVAL_S;
const DAY_STEPS = 86400 / STEP_S;

/** Per-step signal values -> the series that produce them (a counter for request rates). */
function inputFor(a: Anomaly, perStep: number[]): { series: string; values: string } {
  if (a.gpu_metric) return { series: `${a.gpu_metric}{instance="gpu-host:9400",gpu="0"}`, values: perStep.map((v) => formatNumber(v)).join(' ') };
  let total = 0;
  const cumulative = perStep.map((v) => (total += v * STEP_S));
  return { series: `${appMetrics.requestsTotal.name}{job="${a.target}",status="200"}`, values: [0, ...cumulative].map((v) => formatNumber(v)).join(' ') };
}

const hm = (s: number) => `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;

/** Step change fires; a daily cycle (with the same wobble) never does. */
export function anomalyTestFile(config: Pick<Config, 'anomalies'>, ruleFile: string): Record<string, unknown> {
  const tests = config.anomalies.flatMap((a) => {
    const base = 100;
    const wobble = (i: number) => (i % 2 === 0 ? 3 : -3);
    const forS = durationSeconds(a.for);
    const stepAt = Math.round(1.5 * DAY_STEPS);
    const stepSeries = Array.from({ length: stepAt + Math.ceil((forS + 4 * EVAL_S) / STEP_S) }, (_, i) => base + wobble(i) + (i >= stepAt ? base : 0));
    const cycle = Array.from({ length: 2 * DAY_STEPS }, (_, i) => base + wobble(i) + 50 * Math.sin((2 * Math.PI * i) / DAY_STEPS));
    const labels = { anomaly: a.name, severity: 'info', pack: 'anomaly', ...(a.gpu_metric ? { instance: 'gpu-host:9400', gpu: '0' } : {}) };
    const quietTimes = [6, 12, 18, 24, 30, 36, 42, 47].map((h) => h * 3600);
    return [
      {
        name: `anomaly ${a.name}: a step change fires after ${a.for}`,
        interval: '1m',
        input_series: [inputFor(a, stepSeries)],
        alert_rule_test: [
          { eval_time: hm(stepAt * STEP_S - 600), alertname: ANOMALY_ALERT, exp_alerts: [] },
          { eval_time: hm(alignEval(stepAt * STEP_S + forS + 3 * EVAL_S)), alertname: ANOMALY_ALERT, exp_alerts: [{ exp_labels: labels, exp_annotations: anomalyAnnotations(a) }] },
        ],
      },
      {
        name: `anomaly ${a.name}: a daily cycle never fires`,
        interval: '1m',
        input_series: [inputFor(a, cycle)],
        alert_rule_test: quietTimes.map((t) => ({ eval_time: hm(t), alertname: ANOMALY_ALERT, exp_alerts: [] })),
      },
    ];
  });
  return { rule_files: [ruleFile], evaluation_interval: '10m', tests };
}
