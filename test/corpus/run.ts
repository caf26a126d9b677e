// The nightly-style corpus run: `npm run corpus [-- --seed N --count N]`. Every case goes through
// the built CLI (`node dist/src/cli/bin.js render -c FILE`) in a child process, as a user runs it,
// killed after 30 s (a hang). Prints a table by class; exits 1 on any violation, keeping each
// failing file under .corpus-failures/ to reproduce it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './generate.js';
import { cliRender, formatReport, runCorpus } from './runner.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seed = arg('seed', 13);
const count = arg('count', 1500);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cases = generateCorpus(seed, count);
const started = performance.now();
const report = await runCorpus(cases, cliRender(path.join(root, 'dist/src/cli/bin.js'), 30_000), { hangMs: 30_000, concurrency: arg('jobs', 2), keepFailures: path.join(root, '.corpus-failures') });
console.log(`corpus seed ${seed}: ${count} cases through the built CLI in ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(formatReport(report));
process.exitCode = report.failures.length ? 1 : 0;
