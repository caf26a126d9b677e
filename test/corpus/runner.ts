// Runs corpus cases and tallies violations by class and by property: in-process (npm test, and
// `npm run corpus -- --in-process`) or through the built CLI in a child process (npm run corpus),
// which is what a user runs and the only way to see a hang or a child's own CPU time and peak RSS.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { materialize, PROPERTIES, propertyOf, violations, type Outcome } from './check.js';
import type { Case } from './generate.js';

export interface Report {
  total: number;
  byClass: Record<string, { cases: number; rendered: number; rejected: number; violations: number }>;
  /** Cases breaking each promise of issue 13 (every property listed, zeros included). */
  byProperty: Record<string, number>;
  failures: { id: string; cls: string; problems: string[]; file: string }[];
  slowestMs: number;
  /** Most CPU and memory one case took (child processes only: in-process runs share one heap). */
  maxCpuMs?: number;
  maxRssMB?: number;
}

type Render = (args: string[]) => Promise<Outcome>;

const usagePreload = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cpu-report.mjs');

/** The built CLI in a child process, killed after hangMs of wall time. */
export const cliRender =
  (bin: string, hangMs: number): Render =>
  (args) =>
    new Promise((resolve) => {
      const started = performance.now();
      const usageFile = path.join(os.tmpdir(), `obsctl-corpus-usage-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
      const env = { ...process.env, NO_COLOR: '1', OBSCTL_CORPUS_USAGE: usageFile };
      execFile(process.execPath, ['--import', usagePreload, bin, ...args], { timeout: hangMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env }, (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; killed?: boolean }) | null;
        let usage: { cpuMs?: number; rssMB?: number } = {};
        try {
          usage = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
          fs.rmSync(usageFile);
        } catch {
          // Killed (a hang): no usage was written.
        }
        resolve({ code: typeof e?.code === 'number' ? e.code : e ? -1 : 0, stdout, stderr, ms: performance.now() - started, ...usage, ...(e?.killed ? { timedOut: true } : {}) });
      });
    });

export async function runCorpus(cases: Case[], render: Render, options: { hangMs: number; concurrency: number; keepFailures?: string; progress?: (done: number) => void }): Promise<Report> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-corpus-'));
  const report: Report = { total: 0, byClass: {}, byProperty: Object.fromEntries(PROPERTIES.map((p) => [p, 0])), failures: [], slowestMs: 0 };
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const dir = path.join(root, c.id);
      const { config, out } = materialize(c, dir);
      if (c.special === 'fifo') execFileSync('mkfifo', [config]);
      const outcome = await render(['render', '-c', config, '-o', out, '--no-color', ...c.args]);
      const problems = violations(c, outcome, out, options.hangMs);
      const cls = (report.byClass[c.cls] ??= { cases: 0, rendered: 0, rejected: 0, violations: 0 });
      cls.cases++;
      if (outcome.code === 0) cls.rendered++;
      if (outcome.code === 2) cls.rejected++;
      report.total++;
      report.slowestMs = Math.max(report.slowestMs, outcome.ms);
      if (outcome.cpuMs !== undefined) report.maxCpuMs = Math.max(report.maxCpuMs ?? 0, outcome.cpuMs);
      if (outcome.rssMB !== undefined) report.maxRssMB = Math.max(report.maxRssMB ?? 0, outcome.rssMB);
      for (const p of new Set(problems.map(propertyOf))) report.byProperty[p] = (report.byProperty[p] ?? 0) + 1;
      if (problems.length) {
        cls.violations++;
        let file = config;
        if (options.keepFailures && c.content !== undefined) {
          fs.mkdirSync(options.keepFailures, { recursive: true });
          file = path.join(options.keepFailures, `${c.id}.yaml`);
          fs.writeFileSync(file, c.content);
        }
        report.failures.push({ id: c.id, cls: c.cls, problems, file });
      }
      if (!problems.length) fs.rmSync(dir, { recursive: true, force: true });
      options.progress?.(report.total);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (!report.failures.length) fs.rmSync(root, { recursive: true, force: true });
  return report;
}

export function formatReport(report: Report): string {
  const rows = Object.entries(report.byClass).sort(([a], [b]) => a.localeCompare(b));
  const lines = rows.map(([cls, r]) => `${cls.padEnd(16)} ${String(r.cases).padStart(5)} cases  ${String(r.rendered).padStart(5)} rendered  ${String(r.rejected).padStart(5)} rejected  ${r.violations} violations`);
  lines.push('', 'cases breaking each property:');
  for (const [p, n] of Object.entries(report.byProperty)) lines.push(`  ${String(n).padStart(5)}  ${p}`);
  const cpu = report.maxCpuMs !== undefined ? `, most CPU of one case ${Math.round(report.maxCpuMs)} ms` : '';
  const rss = report.maxRssMB !== undefined ? `, peak RSS of one case ${Math.round(report.maxRssMB)} MB (process start included)` : '';
  lines.push(`total ${report.total} cases, ${report.failures.length} with violations, slowest ${Math.round(report.slowestMs)} ms wall${cpu}${rss}`);
  for (const f of report.failures.slice(0, 30)) lines.push(`  ${f.id} (${f.file}): ${f.problems.join('; ')}`);
  return lines.join('\n');
}
