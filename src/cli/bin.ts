#!/usr/bin/env node
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`obsctl needs Node.js 22 or newer; this is ${process.version}. Install Node 22 LTS (or run it through npx in a project that pins it).\n`);
  process.exit(3);
}
// Cache compiled bytecode between runs (Node 22.1+): a cold `obsctl render` starts much faster.
const { enableCompileCache } = await import('node:module');
const compileCache = enableCompileCache?.();

const argv = process.argv.slice(2);
// `obsctl render` from its own bundle with a code cache (see render-bundle.ts), when built with one.
const renderBundle = (globalThis as { __obsctlRenderBundle?: string }).__obsctlRenderBundle;
let keepCodeCache = () => {};
let cli: { configureColor(argv: string[]): void; run(argv: string[]): Promise<number> };
if (renderBundle && argv[0] === 'render') {
  const { loadRenderBundle } = await import('./render-bundle.js');
  const { fileURLToPath } = await import('node:url');
  ({ cli, keepCodeCache } = loadRenderBundle(fileURLToPath(new URL(renderBundle, import.meta.url)), compileCache?.directory));
} else {
  cli = await import('./main.js');
}
const { configureColor, run } = cli;
configureColor(argv);
// A reader that went away (`obsctl render | head -1`) is not a crash: stop writing, exit quietly.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => process.exit(process.exitCode ?? 0));
const code = await run(argv);
if (code === 0) keepCodeCache(); // after a whole render: its functions are the ones compiled
process.exitCode = code;
// Writes to a full pipe are queued, not synchronous: wait until stdout and stderr have handed every
// byte to the reader (a slow `| less` must still get all 1,000 errors and the summary). Then exit
// at once: idle keep-alive sockets (Engine API, HTTP checks) would otherwise hold the process open.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => (s.writableLength === 0 ? resolve() : s.write('', () => resolve())))));
process.exit(code);
