// Where obsctl's own files live (templates/, alerts/, the JSON Schema), found from this module's
// location so it works from the repo (tsx/vitest), from dist/, and when installed from npm.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'obsctl') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('obsctl: cannot find its own package.json');
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const alertsDir = path.join(packageRoot, 'alerts');
export const templatesDir = path.join(packageRoot, 'templates');
export const jsonSchemaFile = path.join(packageRoot, 'obsctl.schema.json');
/** JSON Schema of a rendered stack's stack.json (generated from src/render/manifest.ts). */
export const manifestSchemaFile = path.join(packageRoot, 'stack.schema.json');
export const version: string = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version;
