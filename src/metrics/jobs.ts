// Jobs and queues: a unit of work counted by outcome and error type and timed; queue depth as a gauge.
import { performance } from 'node:perf_hooks';
import type { Instruments } from './instruments.js';
import type { BoundedLabel } from './labels.js';

export function jobRecorder(instruments: Instruments, kinds: BoundedLabel, queues: BoundedLabel, errorType: (error: unknown) => string) {
  async function trackJob<T>(kind: string, fn: () => T | Promise<T>): Promise<T> {
    const k = kinds.admit(kind);
    const started = performance.now();
    try {
      const result = await fn();
      instruments.jobsTotal.inc({ kind: k, outcome: 'success', error_type: '' });
      instruments.jobDuration.observe({ kind: k, outcome: 'success' }, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      instruments.jobsTotal.inc({ kind: k, outcome: 'failure', error_type: errorType(error) });
      instruments.jobDuration.observe({ kind: k, outcome: 'failure' }, (performance.now() - started) / 1000);
      throw error;
    }
  }

  function setQueueDepth(queue: string, depth: number): void {
    if (!Number.isFinite(depth)) return;
    instruments.queueDepth.set({ queue: queues.admit(queue) }, depth);
  }
  return { trackJob, setQueueDepth };
}
