// gate's output: lines for people, JSON, JUnit (one test case per SLO) and GitHub annotations,
// in the same shapes verify uses.
import type { ChalkInstance } from 'chalk';
import { junitReport } from '../verify/report.js';
import type { VerifyCheck } from '../verify/types.js';
import type { SloVerdict, Verdict } from './gate.js';

const word = { go: 'GO', 'no-go': 'NO-GO', unknown: 'CANNOT TELL' } as const;

export function gateLines(verdicts: SloVerdict[], result: Verdict, color: ChalkInstance): string[] {
  const mark = { go: color.green('GO   '), 'no-go': color.red('NO-GO'), unknown: color.yellow('?    ') };
  return [
    ...verdicts.map((v) => `${mark[v.verdict]} ${v.slo} (window ${v.window}): ${v.reason}`),
    (result === 'go' ? color.green : result === 'no-go' ? color.red : color.yellow)(`gate: ${word[result]}`),
  ];
}

export const gateJson = (verdicts: SloVerdict[], result: Verdict) => ({ ok: result === 'go', verdict: result, slos: verdicts });

const asCheck = (v: SloVerdict): VerifyCheck => ({
  group: 'gate',
  name: `slo ${v.slo}`,
  status: v.verdict === 'go' ? 'pass' : v.verdict === 'no-go' ? 'fail' : 'skip',
  reason: `${word[v.verdict]}: ${v.reason}`,
});

export const gateJunit = (verdicts: SloVerdict[]) => junitReport(verdicts.map(asCheck), 'obsctl gate');

/** ::error:: per NO-GO, ::warning:: per SLO that cannot be told. */
export function gateAnnotations(verdicts: SloVerdict[]): string[] {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return verdicts
    .filter((v) => v.verdict !== 'go')
    .map((v) => `::${v.verdict === 'no-go' ? 'error' : 'warning'} title=obsctl gate: SLO ${esc(v.slo)} ${word[v.verdict]}::${esc(v.reason)}`);
}
