// `npm run build`, step 2: the CLI entry bundled with esbuild over tsc's dist/src/cli/bin.js.
// Why: a cold `obsctl render` spent most of its time resolving and loading a few hundred small
// modules (ours, zod, yaml, the Grafana foundation SDK); one bundle with a chunk per lazily loaded
// command loads a handful of files instead (issue 15). bin.js keeps its Node-version check first
// and loads everything else with a dynamic import, so an old Node still gets the clear exit 3.
// Packages that find files next to their own sources (dockerode's gRPC/protobuf .proto files, ssh2's
// native addon) stay external: they load from node_modules as before, and only when a command
// talks to the Docker engine. Running tsc alone still gives a working, unbundled bin.js.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'dist', 'src', 'cli');
fs.rmSync(path.join(outdir, 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'src', 'cli', 'bin.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['dockerode'],
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __obsctlRequire } from 'node:module'; const require = __obsctlRequire(import.meta.url);" },
  allowOverwrite: true,
  logLevel: 'warning',
  legalComments: 'none',
});
