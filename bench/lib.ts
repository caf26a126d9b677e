// Shared by the goal benchmarks: timing child processes, interleaving a reference and a subject
// (the machine is shared, so both see the same load), medians with their spread, PASS/MISS lines.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const repo = path.resolve(import.meta.dirname, '..');
export const bin = path.join(repo, 'dist', 'src', 'cli', 'bin.js');
export const node = path.join(repo, 'node_modules', '.bin', 'node');

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface Sample {
  median: number;
  min: number;
  max: number;
  runs: number[];
}
export const sample = (runs: number[]): Sample => ({ median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs });

/** Wall time of fn in milliseconds. */
export function timeMs(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/**
 * CPU milliseconds (user + system) of the child processes waited for so far (Linux: cutime and
 * cstime of /proc/self/stat, in 10 ms ticks). On a loaded machine wall time mostly measures the
 * queue for a CPU; the CPU a command itself used does not.
 */
export function childCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // fields 16 and 17 of proc(5), 100 ticks/s
  } catch {
    return undefined;
  }
}

/** fn's wall time, and the CPU time of the processes it ran (when the platform tells). */
export function timeWithCpu(fn: () => unknown): { wall: number; cpu?: number } {
  const c0 = childCpuMs();
  const wall = timeMs(fn);
  const c1 = childCpuMs();
  return { wall, ...(c0 !== undefined && c1 !== undefined ? { cpu: c1 - c0 } : {}) };
}

export const run = (file: string, args: string[], options: ExecFileSyncOptions = {}) => execFileSync(file, args, { stdio: 'pipe', ...options }).toString();

/**
 * Runs the reference and the subject `rounds` times each, alternating which goes first, so that
 * load on the shared machine falls on both alike. Returns both samples in milliseconds.
 */
export function interleave(rounds: number, reference: () => unknown, subject: () => unknown): { reference: Sample; subject: Sample; cpu?: { reference: Sample; subject: Sample } } {
  const r: { wall: number; cpu?: number }[] = [];
  const s: { wall: number; cpu?: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      r.push(timeWithCpu(reference));
      s.push(timeWithCpu(subject));
    } else {
      s.push(timeWithCpu(subject));
      r.push(timeWithCpu(reference));
    }
  }
  const cpu = [...r, ...s].every((x) => x.cpu !== undefined) ? { reference: sample(r.map((x) => x.cpu!)), subject: sample(s.map((x) => x.cpu!)) } : undefined;
  return { reference: sample(r.map((x) => x.wall)), subject: sample(s.map((x) => x.wall)), ...(cpu ? { cpu } : {}) };
}

export interface Goal {
  name: string;
  /** `ratio` (subject / reference medians) or `seconds` (subject median). */
  kind: 'ratio' | 'seconds';
  limit: number;
  value?: number;
  status: 'PASS' | 'MISS' | 'NOT MEASURED';
  detail: string;
  subject?: Sample;
  reference?: Sample;
  /** CPU time of the processes measured (context: on a loaded machine wall time is mostly waiting). */
  cpu?: { subject: Sample; reference?: Sample };
}

const ms = (x: Sample) => `median ${x.median.toFixed(0)} ms (${x.min.toFixed(0)}-${x.max.toFixed(0)}, n=${x.runs.length})`;

export function ratioGoal(name: string, limit: number, subject: Sample, reference: Sample, what: { subject: string; reference: string }): Goal {
  const value = subject.median / reference.median;
  return { name, kind: 'ratio', limit, value, status: value <= limit ? 'PASS' : 'MISS', detail: `${what.subject} ${ms(subject)} / ${what.reference} ${ms(reference)} = ${value.toFixed(2)}x (goal <= ${limit}x)`, subject, reference };
}

export function secondsGoal(name: string, limit: number, subject: Sample, what: string): Goal {
  const value = subject.median / 1000;
  return { name, kind: 'seconds', limit, value, status: value <= limit ? 'PASS' : 'MISS', detail: `${what} ${ms(subject)} = ${value.toFixed(2)} s (goal <= ${limit} s)`, subject };
}

export const notMeasured = (name: string, kind: Goal['kind'], limit: number, why: string): Goal => ({ name, kind, limit, status: 'NOT MEASURED', detail: why });
