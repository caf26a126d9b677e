// One named check of `obsctl verify`: pass / fail / warn / skip, a one-line reason, and for a
// failure the evidence (HTTP status, error text, the query) and what to do.

export type VerifyStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface VerifyCheck {
  group: 'services' | 'targets' | 'metrics' | 'rules' | 'alerting' | 'grafana' | 'dashboards' | 'static' | 'gate';
  name: string;
  status: VerifyStatus;
  reason: string;
  evidence?: string;
  hint?: string;
  durationMs?: number;
}

export type CheckFn = () => Promise<VerifyCheck[]>;

export const pass = (group: VerifyCheck['group'], name: string, reason: string): VerifyCheck => ({ group, name, status: 'pass', reason });
export const fail = (group: VerifyCheck['group'], name: string, reason: string, extra: { evidence?: string; hint?: string } = {}): VerifyCheck => ({ group, name, status: 'fail', reason, ...extra });
export const warn = (group: VerifyCheck['group'], name: string, reason: string, extra: { evidence?: string; hint?: string } = {}): VerifyCheck => ({ group, name, status: 'warn', reason, ...extra });
export const skip = (group: VerifyCheck['group'], name: string, reason: string): VerifyCheck => ({ group, name, status: 'skip', reason });

export function summarize(checks: VerifyCheck[]): Record<VerifyStatus, number> {
  const out: Record<VerifyStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of checks) out[c.status]++;
  return out;
}
