// The rendered stack on disk (.obsctl/stack): where it is, and its manifest, stack.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StackFiles } from '../app/ports.js';
import { applyWrite, planWrite, readWritten } from '../render/write.js';
import { manifestFile, parseManifest, type StackManifest } from '../render/manifest.js';

/** obsctl's state beside obsctl.yaml: the rendered stack and the generated secrets (git-ignored). */
export const stateDir = (configDir: string) => path.join(configDir, '.obsctl');
export const stackDir = (configDir: string) => path.join(stateDir(configDir), 'stack');
export const secretsFilePath = (configDir: string) => path.join(stateDir(configDir), 'secrets.env');

/** Whether obsctl has rendered a stack into dir. */
export const isRendered = (dir: string) => fs.existsSync(path.join(dir, 'compose.yaml'));

/** The stack.json of a rendered stack; undefined when absent or written by an older obsctl. */
export function readManifest(dir: string): StackManifest | undefined {
  const file = path.join(dir, manifestFile);
  return fs.existsSync(file) ? parseManifest(fs.readFileSync(file, 'utf8')) : undefined;
}

/** The fs stack writer: plans and applies renders (see render/write.ts), stages for validation. */
export const fsStackFiles: StackFiles = {
  plan: planWrite,
  apply: applyWrite,
  readManifest,
  read: readWritten,
  async staged(parent, files, fn) {
    if (parent) fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
    const dir = fs.mkdtempSync(path.join(parent ?? os.tmpdir(), parent ? 'validate-' : 'obsctl-validate-'));
    try {
      applyWrite(dir, files, planWrite(dir, files));
      return await fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
