// Runs the check groups concurrently, each under its own deadline, once or (with --wait) until all
// pass or the deadline passes. A check that throws or hangs becomes a failure that says so.
import type { CheckFn, VerifyCheck } from './types.js';

export interface CheckGroup {
  name: VerifyCheck['group'];
  run: CheckFn;
}

async function withTimeout(group: CheckGroup, timeoutMs: number): Promise<VerifyCheck[]> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      group.run(),
      new Promise<VerifyCheck[]>((resolve) => {
        timer = setTimeout(() => resolve([{ group: group.name, name: group.name, status: 'fail', reason: `timed out after ${timeoutMs / 1000} s` }]), timeoutMs);
      }),
    ]);
    const ms = Date.now() - started;
    return result.map((c) => ({ ...c, durationMs: c.durationMs ?? ms }));
  } catch (e) {
    return [{ group: group.name, name: group.name, status: 'fail', reason: `check crashed: ${(e as Error).message}` }];
  } finally {
    clearTimeout(timer);
  }
}

export async function runOnce(groups: CheckGroup[], timeoutMs: number): Promise<VerifyCheck[]> {
  return (await Promise.all(groups.map((g) => withTimeout(g, timeoutMs)))).flat();
}

export async function runUntil(groups: CheckGroup[], options: { timeoutMs: number; waitMs: number; onRound?: (checks: VerifyCheck[], leftMs: number) => void }): Promise<VerifyCheck[]> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const checks = await runOnce(groups, options.timeoutMs);
    const left = deadline - Date.now();
    if (!checks.some((c) => c.status === 'fail') || left <= 0) return checks;
    options.onRound?.(checks, left);
    await new Promise((r) => setTimeout(r, Math.min(2000, left)));
  }
}
