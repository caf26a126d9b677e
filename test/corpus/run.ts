// The nightly-style corpus run: `npm run corpus [-- --seed N --count N --jobs N --hang-s S]`. Every
// case goes through the built CLI (`node dist/src/cli/bin.js render -c FILE`) in a child process, as
// a user runs it, killed after --hang-s seconds of wall time (a hang; default 120, generous because
// the 2-core CI machine is shared: a plain render there can take 25 s of wall). Each child reports
// its own CPU time and peak RSS. `--in-process` renders in this process instead (no hang detection,
// about 10x faster: for a loaded machine). Prints a table by class and the count of cases breaking
// each property; exits 1 on any violation, keeping each failing file under .corpus-failures/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { generateCorpus } from './generate.js';
import { cliRender, formatReport, runCorpus } from './runner.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seed = arg('seed', 13);
const count = arg('count', 1500);
const hangMs = arg('hang-s', 120) * 1000;
const inProcess = process.argv.includes('--in-process');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// --shard K/N runs every Nth case from K (N processes share a loaded machine's cores); --json FILE
// writes the report for adding shards up.
const shardArg = process.argv.includes('--shard') ? process.argv[process.argv.indexOf('--shard') + 1]!.split('/').map(Number) : [0, 1];
const cases = generateCorpus(seed, count).filter((_, i) => i % shardArg[1]! === shardArg[0]);
const started = performance.now();
const render = inProcess
  ? async (args: string[]) => {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const r = await runCli(args);
      const used = process.cpuUsage(cpu);
      return { ...r, ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000 };
    }
  : cliRender(path.join(root, 'dist/src/cli/bin.js'), hangMs);
const progress = (done: number) => {
  if (done % 100 === 0) console.error(`  ${done}/${cases.length} cases, ${((performance.now() - started) / 1000).toFixed(0)} s`);
};
const report = await runCorpus(cases, render, { hangMs, concurrency: inProcess ? 1 : arg('jobs', 2), keepFailures: path.join(root, '.corpus-failures'), progress });
console.log(`corpus seed ${seed}: ${cases.length} cases ${inProcess ? 'in-process' : 'through the built CLI'} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(formatReport(report));
if (process.argv.includes('--json')) fs.writeFileSync(process.argv[process.argv.indexOf('--json') + 1]!, JSON.stringify(report));
process.exitCode = report.failures.length ? 1 : 0;
