// verify's output: a grouped checklist for people, one JSON object, JUnit XML for CI systems, and
// ::error:: annotations on GitHub Actions.
import type { ChalkInstance } from 'chalk';
import { summarize, type VerifyCheck } from './types.js';

export const summaryLine = (checks: VerifyCheck[]) => {
  const s = summarize(checks);
  return `${s.pass} passed, ${s.fail} failed, ${s.warn} warned, ${s.skip} skipped${s.pending ? `, ${s.pending} pending (warming up)` : ''}`;
};

export function humanReport(checks: VerifyCheck[], color: ChalkInstance): string[] {
  const lines: string[] = [];
  const groups = [...new Set(checks.map((c) => c.group))];
  for (const group of groups) {
    lines.push(color.bold(group));
    for (const c of checks.filter((x) => x.group === group)) {
      const mark = { pass: color.green('✓'), fail: color.red('✗'), warn: color.yellow('!'), skip: color.dim('-'), pending: color.cyan('…') }[c.status];
      lines.push(`  ${mark} ${c.name}: ${c.status === 'pass' ? color.dim(c.reason) : c.reason}`);
      if (c.status === 'fail' || c.status === 'warn') {
        for (const e of (c.evidence ?? '').split('\n').filter(Boolean).slice(0, 8)) lines.push(color.dim(`      ${e}`));
        if (c.hint) lines.push(color.dim(`      hint: ${c.hint}`));
      }
    }
  }
  lines.push(summaryLine(checks));
  return lines;
}

export function jsonReport(checks: VerifyCheck[], extra: Record<string, unknown>): Record<string, unknown> {
  const s = summarize(checks);
  return { ok: s.fail === 0, summary: { passed: s.pass, failed: s.fail, warned: s.warn, skipped: s.skip, pending: s.pending }, ...extra, checks };
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export function junitReport(checks: VerifyCheck[], suite = 'obsctl verify'): string {
  const s = summarize(checks);
  const seconds = (c: VerifyCheck) => ((c.durationMs ?? 0) / 1000).toFixed(3);
  // A pending check (data not there yet on a new stack) is neither passed nor failed: skipped.
  const cases = checks.map((c) => {
    const open = `    <testcase classname="obsctl.${xml(c.group)}" name="${xml(c.name)}" time="${seconds(c)}"`;
    if (c.status === 'pass') return `${open}/>`;
    if (c.status === 'skip' || c.status === 'pending') return `${open}>\n      <skipped message="${xml(c.reason)}"/>\n    </testcase>`;
    const body = [c.reason, c.evidence, c.hint && `hint: ${c.hint}`].filter(Boolean).join('\n');
    if (c.status === 'warn') return `${open}>\n      <system-out>${xml(`warning: ${body}`)}</system-out>\n    </testcase>`;
    return `${open}>\n      <failure message="${xml(c.reason)}" type="${xml(c.group)}">${xml(body)}</failure>\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(suite)}" tests="${checks.length}" failures="${s.fail}" skipped="${s.skip + s.pending}">\n  <testsuite name="${xml(suite)}" tests="${checks.length}" failures="${s.fail}" skipped="${s.skip + s.pending}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}

/** GitHub Actions workflow commands: one ::error:: per failure, ::warning:: per warning. */
export function githubAnnotations(checks: VerifyCheck[]): string[] {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return checks
    .filter((c) => c.status === 'fail' || c.status === 'warn')
    .map((c) => `::${c.status === 'fail' ? 'error' : 'warning'} title=obsctl verify: ${esc(c.name)}::${esc(`${c.reason}${c.hint ? ` (hint: ${c.hint})` : ''}`)}`);
}
