// A stack validated once is not validated again (issue 15). A passing report is kept in the stack's
// state directory (.obsctl/validated.json) under a hash of every rendered file, the obsctl version,
// strictness and the tools that checked it (ports.toolsFingerprint); the same content checked by
// the same tools gets that report back without running them. Failing reports are never kept, so a
// problem is always checked again and shown. No fingerprint (test fakes): no cache.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { RenderedFile } from '../render/index.js';
import { version } from '../paths.js';
import type { ValidationReport } from '../validate/types.js';
import type { Ports } from './ports.js';

const FILE = 'validated.json';
const KEEP = 8;

interface Entry {
  key: string;
  report: ValidationReport;
}

export function validationKey(files: RenderedFile[], strict: boolean, tools: string): string {
  const h = createHash('sha256').update(`obsctl ${version}\nstrict ${strict}\n${tools}\n`);
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) h.update(`${f.path}\0${f.content}\0`);
  return h.digest('hex');
}

function read(ports: Pick<Ports, 'readText'>, file: string): Entry[] {
  try {
    const parsed = JSON.parse(ports.readText(file) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as Entry[]).filter((e) => typeof e?.key === 'string' && e.report?.ok === true) : [];
  } catch {
    return []; // a damaged cache only costs a validation
  }
}

/** The report for these files: from the cache when they passed before with the same tools, else validated (and kept when it passes). */
export async function validateCached(
  ports: Pick<Ports, 'readText' | 'writeText' | 'toolsFingerprint'>,
  stateDir: string,
  files: RenderedFile[],
  strict: boolean,
  run: () => Promise<ValidationReport>,
): Promise<ValidationReport & { cached?: true }> {
  const tools = ports.toolsFingerprint?.();
  if (tools === undefined) return run();
  const key = validationKey(files, strict, tools);
  const file = path.join(stateDir, FILE);
  const entries = read(ports, file);
  const hit = entries.find((e) => e.key === key);
  if (hit) return { ...hit.report, cached: true };
  const report = await run();
  if (report.ok) ports.writeText(file, `${JSON.stringify([{ key, report }, ...entries].slice(0, KEEP))}\n`);
  return report;
}
