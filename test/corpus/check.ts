// Puts a corpus case on disk and judges what `obsctl render` did with it, as a user would see it.
import fs from 'node:fs';
import path from 'node:path';
import type { Case } from './generate.js';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut?: boolean;
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
// eslint-disable-next-line no-control-regex
const rawControl = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** Every way this outcome breaks the promise of issue 13 (empty when it keeps it). */
export function violations(c: Case, o: Outcome, outDir: string, hangMs: number): string[] {
  const v: string[] = [];
  const wrote = fs.existsSync(outDir);
  if (o.timedOut || o.ms > hangMs) v.push(`hang: ${Math.round(o.ms)} ms`);
  if (o.code === 70 || /crashed|a bug in obsctl/.test(o.stderr)) v.push(`crash (exit ${o.code}): ${o.stderr.split('\n')[0]}`);
  if (stackTrace.test(o.stderr) || stackTrace.test(o.stdout)) v.push('stack trace printed');
  if (rawControl.test(o.stderr)) v.push('raw control character printed to the terminal');
  if (![0, 2].includes(o.code) && !o.timedOut) v.push(`unexpected exit code ${o.code}`);
  if (o.code !== 0 && wrote) v.push('wrote output although it failed');
  if (o.code === 0 && !wrote) v.push('exit 0 but nothing was written');
  if (c.expect === 'render' && o.code !== 0) v.push(`false rejection: ${o.stderr.split('\n').slice(0, 3).join(' | ')}`);
  if (c.expect === 'reject' && o.code === 0) v.push('accepted although it must be rejected');
  if (o.code === 2 && /problems?; nothing was written/.test(o.stderr)) {
    const count = Number(/has (\d+) problems?/.exec(o.stderr)?.[1] ?? NaN);
    const located = o.stderr.split('\n').filter((l) => /obsctl\.yaml:\d+:\d+ error/.test(l)).length;
    if (located !== count) v.push(`${count} problems but ${located} lines name obsctl.yaml:LINE:COL`);
  }
  if (o.code === 2 && !c.special && !/obsctl\.yaml:\d+:\d+ error|Cannot read .*obsctl\.yaml: it is larger/.test(o.stderr)) {
    v.push(`config error without obsctl.yaml:LINE:COL: ${o.stderr.split('\n')[0]}`);
  }
  return v;
}
