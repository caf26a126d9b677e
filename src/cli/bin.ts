#!/usr/bin/env node
import { configureColor, run } from './main.js';

const argv = process.argv.slice(2);
configureColor(argv);
const code = await run(argv);
// Exit now: idle keep-alive sockets (Engine API, HTTP checks) would otherwise hold the process
// open for seconds after the work is done. stdout/stderr writes are synchronous on Linux.
process.exit(code);
