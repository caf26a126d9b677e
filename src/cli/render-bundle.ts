// `obsctl render` runs from one CommonJS file (dist/src/cli/render-HASH.cjs, built by
// scripts/bundle-cli.mjs), compiled through node:vm with a V8 code cache taken after a run. Why:
// Node's compile cache (module.enableCompileCache) keeps only what V8 compiles when it first reads
// a module, so every cold render compiled again each function it called (zod's schema building,
// yaml, commander, the renderers), and loaded ~25 ES modules one by one: together ~20 ms of its
// ~110 ms of CPU (issue 15). The cache lives beside Node's own compile cache (same directory, same
// trust), named after the bundle's content hash; V8 itself rejects one made by another V8 or with
// other flags, and a rejected or missing cache is written again after the run.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

export interface Cli {
  configureColor(argv: string[]): void;
  run(argv: string[]): Promise<number>;
}

export function loadRenderBundle(file: string, cacheDir: string | undefined): { cli: Cli; keepCodeCache: () => void } {
  const cacheFile = cacheDir ? path.join(cacheDir, `obsctl-${path.basename(file, '.cjs')}-${process.version}-${process.arch}.v8-cache`) : undefined;
  let cached: Buffer | undefined;
  try {
    if (cacheFile) cached = fs.readFileSync(cacheFile);
  } catch {
    // none yet: compiled from source, kept after this run
  }
  // The CommonJS wrapper on the source's first line: line numbers in stack traces stay the file's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    ...(cached ? { cachedData: cached } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER, // node: built-ins
  });
  const module = { exports: {} as Cli };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  const keepCodeCache = () => {
    if (!cacheFile || (cached && !script.cachedDataRejected)) return;
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, cacheFile);
    } catch {
      // a read-only cache directory: compiled from source next time too
    }
  };
  return { cli: module.exports, keepCodeCache };
}
