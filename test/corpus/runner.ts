// Runs corpus cases and tallies violations by class: in-process (npm test) or through the built CLI
// in a child process (npm run corpus), which is what a user runs and the only way to see a hang.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { materialize, violations, type Outcome } from './check.js';
import type { Case } from './generate.js';

export interface Report {
  total: number;
  byClass: Record<string, { cases: number; rendered: number; rejected: number; violations: number }>;
  failures: { id: string; cls: string; problems: string[]; file: string }[];
  slowestMs: number;
}

type Render = (args: string[]) => Promise<Outcome>;

/** The built CLI in a child process, killed after hangMs. */
export const cliRender =
  (bin: string, hangMs: number): Render =>
  (args) =>
    new Promise((resolve) => {
      const started = performance.now();
      execFile(process.execPath, [bin, ...args], { timeout: hangMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; killed?: boolean }) | null;
        resolve({ code: typeof e?.code === 'number' ? e.code : e ? -1 : 0, stdout, stderr, ms: performance.now() - started, ...(e?.killed ? { timedOut: true } : {}) });
      });
    });

export async function runCorpus(cases: Case[], render: Render, options: { hangMs: number; concurrency: number; keepFailures?: string }): Promise<Report> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-corpus-'));
  const report: Report = { total: 0, byClass: {}, failures: [], slowestMs: 0 };
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
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (!report.failures.length) fs.rmSync(root, { recursive: true, force: true });
  return report;
}

export function formatReport(report: Report): string {
  const rows = Object.entries(report.byClass).sort(([a], [b]) => a.localeCompare(b));
  const lines = rows.map(([cls, r]) => `${cls.padEnd(16)} ${String(r.cases).padStart(5)} cases  ${String(r.rendered).padStart(5)} rendered  ${String(r.rejected).padStart(5)} rejected  ${r.violations} violations`);
  lines.push(`total ${report.total} cases, ${report.failures.length} with violations, slowest ${Math.round(report.slowestMs)} ms`);
  for (const f of report.failures.slice(0, 30)) lines.push(`  ${f.id} (${f.file}): ${f.problems.join('; ')}`);
  return lines.join('\n');
}
