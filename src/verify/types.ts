// One named check of `obsctl verify`: pass / fail / warn / skip / pending, a one-line reason, and
// for a failure the evidence (HTTP status, error text, the query) and what to do. `pending` is a
// failure that only means "no data yet" on a stack too young to have it (see warmup.ts).

export type VerifyStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'pending';

/**
 * What a failing check lacks when the cause may be only the stack's age: samples of these jobs,
 * data for these queries, or a first rule evaluation. A failure without it is never "pending".
 */
export interface DataNeed {
  jobs?: string[];
  queries?: string[];
  evaluation?: boolean;
}

export interface VerifyCheck {
  group: 'services' | 'targets' | 'metrics' | 'rules' | 'alerting' | 'grafana' | 'dashboards' | 'static' | 'gate' | 'hardening';
  name: string;
  status: VerifyStatus;
  reason: string;
  evidence?: string;
  hint?: string;
  durationMs?: number;
  needs?: DataNeed;
  /** For a pending check: seconds until its data can exist. */
  readyInSeconds?: number;
}

export type CheckFn = () => Promise<VerifyCheck[]>;

export const pass = (group: VerifyCheck['group'], name: string, reason: string): VerifyCheck => ({ group, name, status: 'pass', reason });
export const fail = (group: VerifyCheck['group'], name: string, reason: string, extra: { evidence?: string; hint?: string; needs?: DataNeed } = {}): VerifyCheck => ({ group, name, status: 'fail', reason, ...extra });
export const warn = (group: VerifyCheck['group'], name: string, reason: string, extra: { evidence?: string; hint?: string; needs?: DataNeed } = {}): VerifyCheck => ({ group, name, status: 'warn', reason, ...extra });
export const skip = (group: VerifyCheck['group'], name: string, reason: string): VerifyCheck => ({ group, name, status: 'skip', reason });

export function summarize(checks: VerifyCheck[]): Record<VerifyStatus, number> {
  const out: Record<VerifyStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0, pending: 0 };
  for (const c of checks) out[c.status]++;
  return out;
}
