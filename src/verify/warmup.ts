// A new stack is not a broken one. A check that fails only for lack of data (it says which data it
// needs) is "pending" while the stack is too young for that data to exist: its readiness is the
// newest container's start plus the scrapes and evaluations the data takes (readiness.ts). verify
// waits for pending checks with progress, bounded, then judges; --no-wait judges at once.
import { queryReadiness, type Intervals } from './readiness.js';
import { runOnce, type CheckGroup } from './run.js';
import type { VerifyCheck } from './types.js';

export interface WarmupModel {
  /** When the stack's newest container (or Prometheus) started, ms since the epoch. */
  startedAt: number;
  /**
   * When Prometheus last loaded its config (a reload), ms since the epoch. A rule group the reload
   * changed starts evaluating afresh, and the series it records are stale until it has.
   */
  configLoadedAt?: number;
  intervals: Intervals;
  evaluationSeconds: number;
}

/** Scrape jitter, Prometheus' start-up and query latency, on top of the intervals. */
export const slackSeconds = 10;

/** When the data this failing check lacks can first exist; undefined when it is not about data. */
export function readyAt(check: VerifyCheck, m: WarmupModel): number | undefined {
  const needs = check.needs;
  if (!needs || (check.status !== 'fail' && check.status !== 'warn')) return undefined;
  const maxScrape = Math.max(0, ...m.intervals.scrape.values());
  let seconds = 0;
  // Two scrapes: the first may come before the exporter answered.
  for (const job of needs.jobs ?? []) seconds = Math.max(seconds, 2 * (m.intervals.scrape.get(job) ?? maxScrape));
  if (needs.evaluation) seconds = Math.max(seconds, m.evaluationSeconds);
  for (const q of needs.queries ?? []) seconds = Math.max(seconds, queryReadiness(q, m.intervals).seconds);
  const at = m.startedAt + (seconds + slackSeconds) * 1000;
  // After a reload: one evaluation for rule state and recorded series (queries read those too).
  const afterReload = m.configLoadedAt !== undefined && (needs.evaluation || needs.queries?.length) ? m.configLoadedAt + (m.evaluationSeconds + slackSeconds) * 1000 : 0;
  return Math.max(at, afterReload);
}

/** Failing checks whose data cannot exist yet become pending ("ready in ~N s"); the rest stay. */
export function judge(checks: VerifyCheck[], m: WarmupModel | undefined, now = Date.now()): VerifyCheck[] {
  if (!m) return checks;
  return checks.map((c) => {
    const at = readyAt(c, m);
    if (at === undefined || at <= now) return c;
    const readyIn = Math.ceil((at - now) / 1000);
    return { ...c, status: 'pending', readyInSeconds: readyIn, reason: `pending: ready in ~${readyIn} s (${c.reason})` };
  });
}

/** Whether judging these checks needs the warm-up model: some check failed for lack of data. */
export const needsWarmup = (checks: VerifyCheck[]) => checks.some((c) => c.needs && (c.status === 'fail' || c.status === 'warn'));

/** Checks judged with the model, which is read only when some check needs it (a healthy stack never does). */
export async function judgeLazily(checks: VerifyCheck[], model: () => Promise<WarmupModel | undefined>, now = Date.now): Promise<VerifyCheck[]> {
  return needsWarmup(checks) ? judge(checks, await model(), now()) : checks;
}

export interface WarmupProgress {
  ageSeconds: number;
  pending: VerifyCheck[];
  /** Seconds until the last pending check's data can exist. */
  readyInSeconds: number;
}

export interface WarmupOptions {
  timeoutMs: number;
  /** Never wait longer than this, whatever the intervals say. */
  maxWaitMs: number;
  /** The model, or how to read it (then read once, on the first round that needs it). */
  model: WarmupModel | undefined | (() => Promise<WarmupModel | undefined>);
  onProgress?: (p: WarmupProgress) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs the checks until nothing is pending (every check passed, or its data had the time to exist
 * and it is judged), a failure that is not about data shows up, or maxWaitMs has passed.
 */
export async function runThroughWarmup(groups: CheckGroup[], o: WarmupOptions): Promise<VerifyCheck[]> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + o.maxWaitMs;
  let model = typeof o.model === 'function' ? undefined : o.model;
  let read = typeof o.model === 'function' ? o.model : undefined;
  for (;;) {
    const round = await runOnce(groups, o.timeoutMs);
    if (read && needsWarmup(round)) [model, read] = [await read(), undefined];
    const checks = judge(round, model, now());
    const pending = checks.filter((c) => c.status === 'pending');
    if (!pending.length || checks.some((c) => c.status === 'fail') || now() >= deadline || !model) return checks;
    const readyIn = Math.max(...pending.map((c) => c.readyInSeconds ?? 0));
    o.onProgress?.({ ageSeconds: Math.round((now() - model.startedAt) / 1000), pending, readyInSeconds: readyIn });
    await sleep(Math.max(500, Math.min(3000, deadline - now())));
  }
}

/** One progress line: how old the stack is, what waits for which data, for how long at most. */
export function progressLine(p: WarmupProgress): string {
  const names = p.pending.map((c) => c.name);
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return `warming up: the stack started ${p.ageSeconds} s ago; ${p.pending.length} check${p.pending.length > 1 ? 's wait' : ' waits'} for data that can exist in ~${p.readyInSeconds} s (${shown})`;
}

/** Prints the first progress line, then one every `everyMs` (output may be a log, not a terminal). */
export function throttledProgress(print: (line: string) => void, everyMs = 10_000, now = Date.now): (p: WarmupProgress) => void {
  let last = -Infinity;
  return (p) => {
    if (now() - last < everyMs) return;
    last = now();
    print(progressLine(p));
  };
}
