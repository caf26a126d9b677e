// What an SLO measures, as PromQL over any window: the error ratio (bad / all events) and the event
// rate (for the minimum-traffic guard). By default the SLIs read the series obsctl/metrics emits
// (src/metrics/names.ts); a blackbox probe's SLI is its share of failed probes; a custom SLI names
// its own counters.
import type { Config, Slo } from '../config/schema.js';
import { appMetrics } from '../metrics/names.js';
import { formatNumber } from '../render/thresholds.js';
import { durationSeconds } from './windows.js';

export type SliKind =
  | { kind: 'availability'; job: string }
  | { kind: 'latency'; job: string; thresholdS: number }
  | { kind: 'probe'; job: string }
  | { kind: 'custom'; errors: string; total: string };

export function sliKind(slo: Slo, config: Pick<Config, 'exporters'>): SliKind {
  const sli = slo.sli;
  if (typeof sli === 'object' && 'errors' in sli) return { kind: 'custom', errors: sli.errors.trim(), total: sli.total.trim() };
  if (config.exporters.blackbox.probes.some((p) => p.name === slo.target)) return { kind: 'probe', job: slo.target };
  if (typeof sli === 'object') return { kind: 'latency', job: slo.target, thresholdS: durationSeconds(sli.latency.threshold) };
  return { kind: 'availability', job: slo.target };
}

/**
 * The `le` matcher for a bucket bound. Prometheus 3 stores integer bounds as "1.0" while 2.x and
 * prom-client write "1", so an integer bound matches both spellings.
 */
export function leMatcher(bound: number): string {
  const text = formatNumber(bound);
  return Number.isInteger(bound) ? `le=~"${text}(\\\\.0)?"` : `le="${text}"`;
}

/** A selector with a range appended: `x{a="b"}` + 5m -> `x{a="b"}[5m]`. */
const ranged = (selector: string, w: string) => `${selector}[${w}]`;

export interface SliExprs {
  /** Error ratio over window w (0..1); 0 when there were requests but none failed. */
  errorRatio(w: string): string;
  /** Events per second over window w. */
  eventRate(w: string): string;
}

export function sliExprs(sli: SliKind): SliExprs {
  const requests = appMetrics.requestsTotal.name;
  const duration = appMetrics.requestDuration.name;
  switch (sli.kind) {
    case 'availability': {
      const total = (w: string) => `sum(rate(${requests}{job="${sli.job}"}[${w}]))`;
      // `or total * 0`: a service that never answered 5xx has no 5xx series at all.
      return {
        errorRatio: (w) => `(sum(rate(${requests}{job="${sli.job}",status=~"5.."}[${w}])) or ${total(w)} * 0) / ${total(w)}`,
        eventRate: total,
      };
    }
    case 'latency': {
      const total = (w: string) => `sum(rate(${duration}_count{job="${sli.job}"}[${w}]))`;
      return {
        errorRatio: (w) => `1 - sum(rate(${duration}_bucket{job="${sli.job}",${leMatcher(sli.thresholdS)}}[${w}])) / ${total(w)}`,
        eventRate: total,
      };
    }
    case 'probe':
      return {
        errorRatio: (w) => `1 - avg(avg_over_time(probe_success{job="${sli.job}"}[${w}]))`,
        eventRate: (w) => `sum(count_over_time(probe_success{job="${sli.job}"}[${w}])) / ${durationSeconds(w)}`,
      };
    case 'custom': {
      const total = (w: string) => `sum(rate(${ranged(sli.total, w)}))`;
      return {
        errorRatio: (w) => `(sum(rate(${ranged(sli.errors, w)})) or ${total(w)} * 0) / ${total(w)}`,
        eventRate: total,
      };
    }
  }
}

/** In words, for alert descriptions: what failing means ("... over the last 1h"). */
export function describeSli(sli: SliKind): string {
  switch (sli.kind) {
    case 'availability':
      return `requests of ${sli.job} were answered with a 5xx`;
    case 'latency':
      return `requests of ${sli.job} took longer than ${formatNumber(sli.thresholdS)}s`;
    case 'probe':
      return `probes of ${sli.job} failed`;
    case 'custom':
      return `events of ${sli.total} matched ${sli.errors}`;
  }
}

/** The events an SLI counts, for the no-data alert. */
export function describeEvents(sli: SliKind): string {
  switch (sli.kind) {
    case 'availability':
    case 'latency':
      return `requests of ${sli.job}`;
    case 'probe':
      return `probe results of ${sli.job}`;
    case 'custom':
      return `events of ${sli.total}`;
  }
}
