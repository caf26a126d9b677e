// Puts a corpus case on disk and judges what `obsctl render` did with it, as a user would see it.
import fs from 'node:fs';
import path from 'node:path';
import { MAX_REPORTED_ISSUES } from '../../src/config/limits.js';
import type { Case } from './generate.js';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut?: boolean;
  /** The child's own CPU time and peak RSS (CLI runs only). */
  cpuMs?: number;
  rssMB?: number;
}

/** Writes the case under dir; returns the config path and a fresh (absent) output directory. */
export function materialize(c: Case, dir: string): { config: string; out: string } {
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'obsctl.yaml');
  const out = path.join(dir, 'out');
  if (c.special === 'directory') fs.mkdirSync(config);
  else if (c.special === 'fifo') {
    // mkfifo has no Node API; a FIFO is made by the runner with the system's mkfifo.
    return { config: `${config}.fifo`, out };
  } else if (c.special === 'device') return { config: '/dev/zero', out };
  else if (c.special === 'missing') return { config: path.join(dir, 'does-not-exist.yaml'), out };
  else if (c.special === 'symlink-loop') {
    fs.symlinkSync(path.join(dir, 'loop-b'), path.join(dir, 'loop-a'));
    fs.symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
    return { config: path.join(dir, 'loop-a'), out };
  } else fs.writeFileSync(config, c.content ?? '');
  return { config, out };
}

const stackTrace = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
// What a JS engine says when obsctl itself breaks, even if no stack follows.
const internalError = /\b(TypeError|RangeError|ReferenceError|InternalError)\b|Maximum call stack|Cannot read propert|is not a function|undefined is not/;
// eslint-disable-next-line no-control-regex
const rawControl = /[\u0000-\u0008\u000b-\u001f\u007f]/;
/** Longest line obsctl may print: an echoed source line or value is cut well before this. */
const MAX_LINE = 500;

/** The promises of issue 13, each counted (zeros included) by the runner. */
export const PROPERTIES = [
  'hang',
  'crash',
  'stack trace or internal error printed',
  'raw control character printed',
  'unexpected exit code',
  'wrote output although it failed',
  'exit 0 but nothing was written',
  'false rejection',
  'accepted although it must be rejected',
  'problem count differs from located lines',
  'config error without obsctl.yaml:LINE:COL',
  'unbounded echo',
] as const;

/** The property a violation message (as violations() writes it) breaks. */
export const propertyOf = (problem: string): string => PROPERTIES.find((p) => problem.startsWith(p)) ?? problem;

/** Every way this outcome breaks the promise of issue 13 (empty when it keeps it). */
export function violations(c: Case, o: Outcome, outDir: string, hangMs: number): string[] {
  const v: string[] = [];
  const wrote = fs.existsSync(outDir);
  const first = (text: string) => text.split('\n')[0]!.slice(0, 200);
  if (o.timedOut || o.ms > hangMs) v.push(`hang: ${Math.round(o.ms)} ms wall${o.cpuMs !== undefined ? `, ${Math.round(o.cpuMs)} ms CPU` : ''}`);
  if (o.code === 70 || /crashed|a bug in obsctl/.test(o.stderr)) v.push(`crash (exit ${o.code}): ${first(o.stderr)}`);
  if (stackTrace.test(o.stderr) || stackTrace.test(o.stdout) || internalError.test(o.stderr)) v.push(`stack trace or internal error printed: ${first(o.stderr)}`);
  if (rawControl.test(o.stderr) || rawControl.test(o.stdout)) v.push('raw control character printed to the terminal');
  if (![0, 2].includes(o.code) && !o.timedOut) v.push(`unexpected exit code ${o.code}`);
  if (o.code !== 0 && wrote) v.push('wrote output although it failed');
  if (o.code === 0 && !wrote) v.push('exit 0 but nothing was written');
  if (c.expect === 'render' && o.code !== 0) v.push(`false rejection: ${o.stderr.split('\n').slice(0, 3).join(' | ').slice(0, 400)}`);
  if (c.expect === 'reject' && o.code === 0) v.push('accepted although it must be rejected');
  if (o.code === 2 && /problems?; nothing was written/.test(o.stderr)) {
    const count = Number(/has (\d+) problems?/.exec(o.stderr)?.[1] ?? NaN);
    const located = o.stderr.split('\n').filter((l) => /obsctl\.yaml:\d+:\d+ error/.test(l)).length;
    // Past MAX_REPORTED_ISSUES the rest are counted on one line ("N more problems not shown").
    const notShown = Number(/obsctl\.yaml: (\d+) more problems not shown/.exec(o.stderr)?.[1] ?? 0);
    if (located + notShown !== count) v.push(`problem count differs from located lines: ${count} problems but ${located} lines name obsctl.yaml:LINE:COL${notShown ? ` and ${notShown} are counted as not shown` : ''}`);
    if (notShown && located !== MAX_REPORTED_ISSUES) v.push(`problem count differs from located lines: ${notShown} not shown although only ${located} were (the first ${MAX_REPORTED_ISSUES} must be)`);
  }
  if (o.code === 2 && !c.special && !/obsctl\.yaml:\d+:\d+ error|Cannot read .*obsctl\.yaml: it is larger/.test(o.stderr)) {
    v.push(`config error without obsctl.yaml:LINE:COL: ${first(o.stderr)}`);
  }
  const long = [...o.stderr.split('\n'), ...(o.code === 0 ? [] : o.stdout.split('\n'))].find((l) => l.length > MAX_LINE);
  if (long !== undefined) v.push(`unbounded echo: a line of ${long.length} characters: ${long.slice(0, 120)}...`);
  return v;
}
