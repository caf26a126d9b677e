// The watcher: runs every source, keeps the current StackState and publishes its transitions to
// the hub. The first round of all sources becomes one `snapshot`; a source that fails is `stale`
// (once per outage), retried with exponential backoff 1 s -> 30 s, and announced `resynced`, with
// the full state, when it answers again; the changes it missed follow as ordinary events.
import type { PushedSource } from './docker-source.js';
import type { PolledSource } from './http-sources.js';
import { Hub } from './hub.js';
import { backoffMs, emptyState, resyncedEvent, snapshotEvent, staleEvent, transitions, type Slice, type SourceName, type StackState } from './model.js';

export interface WatcherOptions {
  intervalMs: number;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

export class Watcher {
  state: StackState;
  private started = false;
  private stopped = false;
  private staleSince = new Map<SourceName, number>();
  private timers = new Set<NodeJS.Timeout>();
  private stopFollow?: () => void;

  constructor(
    project: string,
    readonly hub: Hub,
    private polled: PolledSource[],
    private pushed: PushedSource[],
    private options: WatcherOptions,
  ) {
    this.state = emptyState(project);
  }

  /** Runs the first round of every source, publishes the snapshot, then keeps watching. */
  async start(): Promise<void> {
    const first = await Promise.all([...this.polled, ...this.pushed].map(async (s) => ({ s, r: await s.poll().then((slice) => ({ slice }), (e: Error) => ({ error: e.message })) })));
    for (const { s, r } of first) {
      if ('slice' in r) this.state = { ...this.state, ...r.slice, sources: { ...this.state.sources, [s.name]: { status: 'ok' } } };
    }
    for (const { s, r } of first) {
      if ('error' in r) this.fail(s.name, r.error, 1);
    }
    // The snapshot first (showing which sources are stale), then the stale events themselves.
    this.started = true;
    this.hub.publish(snapshotEvent(this.state));
    for (const { s, r } of first) {
      if ('error' in r) this.hub.publish(staleEvent(s.name, r.error, this.backoff(1)));
    }
    for (const p of this.polled) void this.pollLoop(p, first.find((f) => f.s === p)!.r);
    for (const p of this.pushed) void this.pushLoop(p, 'error' in first.find((f) => f.s === p)!.r ? 1 : 0);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.stopFollow?.();
  }

  /** A fresh snapshot of the current state (for a client that lost its place). */
  snapshot() {
    return snapshotEvent(this.state);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async pollLoop(source: PolledSource, first: { slice: Slice } | { error: string }): Promise<void> {
    let failures = 'error' in first ? 1 : 0;
    while (!this.stopped) {
      await this.sleep(failures ? this.backoff(failures) : this.options.intervalMs);
      if (this.stopped) return;
      try {
        this.apply(source.name, await source.poll());
        failures = 0;
      } catch (e) {
        failures++;
        this.fail(source.name, (e as Error).message, failures);
      }
    }
  }

  private async pushLoop(source: PushedSource, failures: number): Promise<void> {
    while (!this.stopped) {
      if (failures) await this.sleep(this.backoff(failures));
      if (this.stopped) return;
      // Follow first, then read: a change between the two is not lost.
      let refreshing = false;
      let again = false;
      const refresh = async () => {
        if (refreshing) return void (again = true);
        refreshing = true;
        try {
          do {
            again = false;
            this.apply(source.name, await source.poll());
          } while (again && !this.stopped);
        } catch (e) {
          follower.stop();
          reason = (e as Error).message;
        } finally {
          refreshing = false;
        }
      };
      let reason: string | undefined;
      const follower = source.follow(() => void refresh());
      this.stopFollow = follower.stop;
      // Reads are serialised through refresh, so an older answer never overwrites a newer one.
      await refresh();
      if (reason === undefined) failures = 0;
      const ended = await follower.ended;
      if (this.stopped) return;
      failures++;
      this.fail(source.name, reason ?? ended, failures);
    }
  }

  private backoff(failures: number): number {
    return backoffMs(failures, this.options.firstBackoffMs, this.options.maxBackoffMs);
  }

  private apply(source: SourceName, slice: Slice): void {
    if (this.stopped) return;
    const wasStale = this.staleSince.get(source);
    const next: StackState = { ...this.state, ...slice, sources: { ...this.state.sources, [source]: { status: 'ok' } } };
    const changes = transitions(this.state, next);
    this.state = next;
    if (!this.started) return;
    if (wasStale !== undefined) {
      this.staleSince.delete(source);
      this.hub.publish(resyncedEvent(source, next, Date.now() - wasStale));
    }
    for (const c of changes) this.hub.publish(c);
  }

  private fail(source: SourceName, error: string, failures: number): void {
    if (this.stopped) return;
    const retryIn = this.backoff(failures);
    this.state = { ...this.state, sources: { ...this.state.sources, [source]: { status: 'stale', error, retryAt: new Date(Date.now() + retryIn).toISOString() } } };
    if (this.staleSince.has(source)) return;
    this.staleSince.set(source, Date.now());
    if (this.started) this.hub.publish(staleEvent(source, error, retryIn));
  }
}
