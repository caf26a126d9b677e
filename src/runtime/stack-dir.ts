// The rendered stack on disk (.obsctl/stack): where it is, and its manifest, stack.json.
import fs from 'node:fs';
import path from 'node:path';
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
