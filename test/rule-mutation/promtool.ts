// Runs the real `promtool test rules` over many mutants at once: each mutant is a directory holding
// its mutated rules file and copies of the file's tests (rule_files resolve beside the test file),
// and one promtool process takes a batch of those test files, reporting each in its JUnit output.
// A few processes run side by side, at `nice -n 10` (a shared machine).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Mutant, RulesFile } from './pack.js';

export interface Outcome {
  mutant: Mutant;
  /** true: at least one of its tests failed (or promtool refused the mutated rules). */
  killed: boolean;
}

interface Job {
  key: string;
  /** Test files, relative to the work directory. */
  tests: string[];
}

/** Writes one directory per rules file (the original) or mutant; returns what each must run. */
function writeJob(root: string, key: string, file: RulesFile, rulesText: string): Job {
  const dir = join(root, key);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, basename(file.path)), rulesText);
  for (const [name, text] of file.tests) writeFileSync(join(dir, name), text);
  return { key, tests: [...file.tests.keys()].map((t) => `${key}/${t}`) };
}

/** Test files (relative names) that failed, from promtool's JUnit report. */
function failedSuites(junit: string): { failed: Set<string>; seen: Set<string> } {
  const failed = new Set<string>();
  const seen = new Set<string>();
  for (const m of junit.matchAll(/<testsuite name="([^"]+)"[^>]*?failures="(\d+)" errors="(\d+)"/g)) {
    seen.add(m[1]!);
    if (Number(m[2]) + Number(m[3]) > 0) failed.add(m[1]!);
  }
  return { failed, seen };
}

function promtool(bin: string, cwd: string, junit: string, tests: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nice', ['-n', '10', bin, 'test', 'rules', `--junit=${junit}`, ...tests], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    // Exit 1 is expected (mutants fail); the JUnit file says which.
    child.on('close', () => resolve(stderr));
  });
}

export interface RunOptions {
  promtool: string;
  workDir: string;
  concurrency: number;
  /** Test files per promtool process. */
  batch: number;
}

/** Runs test files in batches, `concurrency` promtool processes at a time; returns the failed ones. */
async function runTests(tests: string[], opts: RunOptions): Promise<Set<string>> {
  const batches: string[][] = [];
  for (let i = 0; i < tests.length; i += opts.batch) batches.push(tests.slice(i, i + opts.batch));
  const failed = new Set<string>();
  const seen = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const b = next++;
      const junit = join(opts.workDir, `junit-${++reports}.xml`);
      const stderr = await promtool(opts.promtool, opts.workDir, junit, batches[b]!);
      let report: string;
      try {
        report = readFileSync(junit, 'utf8');
      } catch {
        throw new Error(`promtool wrote no JUnit report: ${stderr.slice(0, 2000)}`);
      }
      const r = failedSuites(report);
      r.failed.forEach((t) => failed.add(t));
      r.seen.forEach((t) => seen.add(t));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const missing = tests.filter((t) => !seen.has(t));
  if (missing.length) throw new Error(`promtool reported nothing for ${missing.slice(0, 5).join(', ')}`);
  return failed;
}
let reports = 0;

/**
 * Runs every original rules file's tests (they must pass, or nothing can be judged) and every
 * mutant's; a mutant is killed when any of its test files fails. In rounds: a mutant's first test
 * file (X.test.yml) for all mutants, then its next one (X.long.test.yml, the slow hours-long tests)
 * only for those still alive, so a killed mutant costs no more promtool time.
 */
export async function runMutants(files: RulesFile[], mutants: Mutant[], opts: RunOptions): Promise<{ outcomes: Outcome[]; brokenOriginals: string[] }> {
  const originals = files.map((f, i) => writeJob(opts.workDir, `orig${i}`, f, f.text));
  const jobs = mutants.map((m, i) => writeJob(opts.workDir, `m${i}`, m.file, m.text));
  const originalFailures = await runTests(originals.flatMap((j) => j.tests), opts);
  const brokenOriginals = originals.flatMap((j, i) => (j.tests.some((t) => originalFailures.has(t)) ? [files[i]!.path] : []));
  const killed = new Set<number>();
  const rounds = Math.max(0, ...jobs.map((j) => j.tests.length));
  for (let round = 0; round < rounds; round++) {
    const alive = jobs.flatMap((j, i) => (!killed.has(i) && j.tests[round] ? [{ i, test: j.tests[round]! }] : []));
    const failed = await runTests(alive.map((a) => a.test), opts);
    for (const a of alive) if (failed.has(a.test)) killed.add(a.i);
  }
  return { outcomes: mutants.map((mutant, i) => ({ mutant, killed: killed.has(i) })), brokenOriginals };
}
