#!/usr/bin/env node
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`obsctl needs Node.js 22 or newer; this is ${process.version}. Install Node 22 LTS (or run it through npx in a project that pins it).\n`);
  process.exit(3);
}
// Cache compiled bytecode between runs (Node 22.1+): a cold `obsctl render` starts much faster.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { configureColor, run } = await import('./main.js');

const argv = process.argv.slice(2);
configureColor(argv);
const code = await run(argv);
// Exit now: idle keep-alive sockets (Engine API, HTTP checks) would otherwise hold the process
// open for seconds after the work is done. stdout/stderr writes are synchronous on Linux.
process.exit(code);
