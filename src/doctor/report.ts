// doctor's output: one line per finding, its fix below, a summary, and the exit code (3 only when
// `up` would fail).
import type { ChalkInstance } from 'chalk';
import { ExitCode } from '../errors.js';
import type { Finding } from './doctor.js';

export const doctorExitCode = (findings: Finding[]) => (findings.some((f) => f.status === 'problem') ? ExitCode.environment : ExitCode.ok);

export function doctorSummary(findings: Finding[]): string {
  const n = (s: Finding['status']) => findings.filter((f) => f.status === s).length;
  const problems = n('problem');
  return `${n('ok')} ok, ${n('warning')} warning${n('warning') === 1 ? '' : 's'}, ${problems} problem${problems === 1 ? '' : 's'}${problems ? ': `obsctl up` would fail until they are fixed' : ': nothing here stops `obsctl up`'}`;
}

export function doctorLines(findings: Finding[], color: ChalkInstance): string[] {
  const lines: string[] = [];
  for (const f of findings) {
    const mark = { ok: color.green('✓'), warning: color.yellow('!'), problem: color.red('✗') }[f.status];
    lines.push(`  ${mark} ${f.name}: ${f.detail}`);
    if (f.fix) lines.push(color.dim(`      fix: ${f.fix}`));
  }
  lines.push(doctorSummary(findings));
  return lines;
}
