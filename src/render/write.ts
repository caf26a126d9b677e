// The one step that touches the disk after rendering. It keeps a manifest of what obsctl wrote, so
// it can remove files it wrote earlier and no longer writes, and it never touches files it did not
// write. A plan is computed first; --dry-run prints the plan and stops there.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errors } from '../errors.js';
import type { RenderedFile } from './index.js';

export const manifestName = '.obsctl-manifest.json';

interface Manifest {
  generator: 'obsctl';
  files: Record<string, string>; // path -> sha256
}

export interface WritePlan {
  create: string[];
  update: string[];
  remove: string[];
  unchanged: string[];
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function readManifest(dir: string): Manifest | undefined {
  const file = path.join(dir, manifestName);
  if (!fs.existsSync(file)) return undefined;
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
    return m.generator === 'obsctl' ? m : undefined;
  } catch {
    return undefined;
  }
}

export function planWrite(dir: string, files: RenderedFile[]): WritePlan {
  const manifest = readManifest(dir);
  if (!manifest && fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw errors.outDirUnsafe(dir, 'it is not empty and obsctl did not render it (no .obsctl-manifest.json)');
  }
  const plan: WritePlan = { create: [], update: [], remove: [], unchanged: [] };
  const next = new Set(files.map((f) => f.path));
  for (const f of files) {
    const target = path.join(dir, f.path);
    if (!fs.existsSync(target)) plan.create.push(f.path);
    else if (fs.readFileSync(target, 'utf8') === f.content) plan.unchanged.push(f.path);
    else plan.update.push(f.path);
  }
  for (const old of Object.keys(manifest?.files ?? {})) {
    if (next.has(old)) continue;
    const target = path.join(dir, old);
    // Only remove what is still exactly what obsctl wrote; a hand-edited file stays.
    if (fs.existsSync(target) && sha(fs.readFileSync(target, 'utf8')) === manifest!.files[old]) plan.remove.push(old);
  }
  return plan;
}

/** Applies a plan: files are written to a temp name and renamed, so a reader never sees half a file. */
export function applyWrite(dir: string, files: RenderedFile[], plan: WritePlan): void {
  fs.mkdirSync(dir, { recursive: true });
  const changed = new Set([...plan.create, ...plan.update]);
  for (const f of files) {
    if (!changed.has(f.path)) continue;
    const target = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.obsctl-tmp`;
    fs.writeFileSync(tmp, f.content, { mode: 0o644 });
    fs.renameSync(tmp, target);
  }
  for (const old of plan.remove) {
    fs.rmSync(path.join(dir, old));
    removeEmptyParents(dir, path.dirname(path.join(dir, old)));
  }
  const manifest: Manifest = { generator: 'obsctl', files: Object.fromEntries(files.map((f) => [f.path, sha(f.content)])) };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  // Rewritten only when it changed: on ext4, truncating and rewriting a file forces its blocks to
  // disk at close (auto_da_alloc), milliseconds of every no-change `render` (issue 15).
  if (readText(path.join(dir, manifestName)) !== text) fs.writeFileSync(path.join(dir, manifestName), text);
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The files obsctl wrote into dir, read back as they are now (for keeping the last good stack). */
export function readWritten(dir: string): RenderedFile[] | undefined {
  const manifest = readManifest(dir);
  if (!manifest) return undefined;
  const paths = Object.keys(manifest.files).filter((p) => fs.existsSync(path.join(dir, p)));
  return paths.sort().map((p) => ({ path: p, content: fs.readFileSync(path.join(dir, p), 'utf8') }));
}

function removeEmptyParents(root: string, dir: string): void {
  const stop = path.resolve(root);
  let current = path.resolve(dir);
  while (current.startsWith(stop) && current !== stop && fs.readdirSync(current).length === 0) {
    fs.rmdirSync(current);
    current = path.dirname(current);
  }
}
