#!/usr/bin/env node
import { configureColor, run } from './main.js';

const argv = process.argv.slice(2);
configureColor(argv);
process.exitCode = await run(argv);
