// How verify and ci report checks: JUnit file, GitHub annotations, JSON or the human report.
import fs from 'node:fs';
import { githubAnnotations, humanReport, jsonReport, junitReport } from '../verify/report.js';
import type { VerifyCheck } from '../verify/types.js';
import { color, out, printJson } from './output.js';

export function printChecks(checks: VerifyCheck[], options: { json: boolean; junit?: string; suite?: string; meta: Record<string, unknown> }): void {
  if (options.junit) fs.writeFileSync(options.junit, junitReport(checks, options.suite));
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(checks)) out(line);
  if (options.json) printJson(jsonReport(checks, options.meta));
  else for (const line of humanReport(checks, color)) out(line);
}
