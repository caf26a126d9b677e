// Mutation check of the alert packs' promtool tests (npm run test:rule-mutation; CI: .ci/run).
// Every shipped rule gets a fixed set of small mutations (mutants.ts); the real `promtool test
// rules` runs each mutated pack; a mutant whose tests all still pass SURVIVES: the tests do not
// notice that regression. survivors.yml lists the survivors accepted with a reason (equivalent
// mutants, which cannot change what the alert does); any other survivor fails the run, and so does
// a listed one that is now killed (the list must stay true).
//
//   tsx test/rule-mutation/run.ts [--only SUBSTRING] [--alerts DIR] [--concurrency N] [--batch N] [--json FILE]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { loadPacks, mutantsOf } from './pack.js';
import { runMutants } from './promtool.js';

export interface Report {
  mutants: number;
  killed: number;
  survivors: { id: string; reason?: string }[];
  /** Survivors not in survivors.yml: tests that do not catch a regression. */
  unexpected: string[];
  /** survivors.yml entries that are killed now, or name no mutant: the list must be updated. */
  stale: string[];
  brokenOriginals: string[];
  seconds: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

/**
 * survivors.yml: `equivalent:` mutants that cannot change what the alert does (with why), and
 * `uncovered:` real regressions no test catches yet (with what a test would need): a known debt,
 * listed so the check fails on any new one. Both map mutant id -> reason.
 */
export function acceptedSurvivors(file = join(here, 'survivors.yml')): Map<string, string> {
  const parsed = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, Record<string, unknown> | null>;
  const out = new Map<string, string>();
  for (const section of ['equivalent', 'uncovered'] as const) {
    for (const [id, reason] of Object.entries(parsed[section] ?? {})) {
      if (typeof reason !== 'string' || !reason.trim()) throw new Error(`${file}: ${section}: ${id}: give the reason this mutant may survive`);
      out.set(id, `${section}: ${reason}`);
    }
  }
  return out;
}

export async function mutationReport(opts: { promtool?: string; only?: string; concurrency?: number; batch?: number; alertsDir?: string } = {}): Promise<Report> {
  const started = Date.now();
  const files = loadPacks(opts.alertsDir ?? join(repo, 'alerts')).filter((f) => !opts.only || f.path.includes(opts.only));
  const mutants = files.flatMap(mutantsOf);
  const workDir = mkdtempSync(join(tmpdir(), 'obsctl-rule-mutation-'));
  try {
    const { outcomes, brokenOriginals } = await runMutants(files, mutants, {
      promtool: opts.promtool ?? process.env.PROMTOOL ?? 'promtool',
      workDir,
      concurrency: opts.concurrency ?? 2,
      batch: opts.batch ?? 25,
    });
    const accepted = acceptedSurvivors();
    const survivors = outcomes.filter((o) => !o.killed).map((o) => ({ id: o.mutant.id, reason: accepted.get(o.mutant.id) }));
    const surviving = new Set(survivors.map((s) => s.id));
    const inScope = (id: string): boolean => !opts.only || id.split(' ')[0]!.includes(opts.only);
    return {
      mutants: mutants.length,
      killed: outcomes.length - survivors.length,
      survivors,
      unexpected: survivors.filter((s) => s.reason === undefined).map((s) => s.id),
      stale: [...accepted.keys()].filter((id) => inScope(id) && !surviving.has(id)),
      brokenOriginals,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function formatReport(r: Report): string {
  const count = (section: string): number => r.survivors.filter((x) => x.reason?.startsWith(`${section}:`)).length;
  const lines = [
    `rule mutation: ${r.mutants} mutants, ${r.killed} killed, ${r.survivors.length} survived ` +
      `(${count('equivalent')} equivalent, ${count('uncovered')} known uncovered, ${r.unexpected.length} new), ${r.seconds.toFixed(1)} s`,
  ];
  for (const f of r.brokenOriginals) lines.push(`  BROKEN: the unmutated tests of alerts/${f} fail; fix them first`);
  for (const id of r.unexpected) lines.push(`  SURVIVED (no test catches it): ${id}`);
  for (const id of r.stale) lines.push(`  STALE survivors.yml entry (killed now, or no such mutant): ${id}`);
  return lines.join('\n');
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({ options: { only: { type: 'string' }, alerts: { type: 'string' }, concurrency: { type: 'string' }, batch: { type: 'string' }, json: { type: 'string' } } });
  const bin = process.env.PROMTOOL ?? 'promtool';
  if (spawnSync(bin, ['--version']).status !== 0) {
    console.error(`rule mutation: promtool not found (${bin}); put /opt/obsctl-tools/bin on PATH or set PROMTOOL`);
    process.exit(3);
  }
  const report = await mutationReport({
    promtool: bin,
    only: values.only,
    alertsDir: values.alerts ? resolve(values.alerts) : undefined,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    batch: values.batch ? Number(values.batch) : undefined,
  });
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatReport(report));
  process.exit(report.brokenOriginals.length || report.unexpected.length || report.stale.length ? 1 : 0);
}
