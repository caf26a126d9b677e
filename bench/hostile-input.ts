// Benchmark (not a test), issue 15 (from issue 13): every obsctl.yaml up to the size limit
// (MAX_CONFIG_BYTES) is answered in <= 2 s and <= 300 MB. Each input goes through the built CLI
// (`obsctl render`) in a new process, as a user runs it, which reports its own CPU time and peak RSS
// (process start included; test/corpus/cpu-report.mjs). CPU time, not wall, is measured: the CI
// machine is 2 shared cores, where wall time measures the neighbours. Each input runs `rounds` times
// (default 3); its row is the median, with the spread.
// Two yardsticks, both printed:
// - absolute, the issue's own words: <= 2,000 ms CPU and <= 300 MB peak RSS on this machine;
// - relative, which decides PASS/MISS so that it means the same on a fast laptop and on an
//   overloaded CI box: at most 5x the CPU of a trivial `obsctl render` (a two-line obsctl.yaml) in
//   the same run. The 5x was set when a trivial render took 0.4 s (5x = the issue's 2 s); a trivial
//   render now takes ~0.12 s CPU on the CI machine, so the relative line is the stricter one there
//   (~0.6 s), and it tightens further each time obsctl starts faster.
// A new node process JSON.parsing the same bytes is printed as a third reference (not judged).
// Memory is judged absolute. Run: npm run build && npx tsx bench/hostile-input.ts  (prints a table,
// PASS or MISS, and one JSON line `{"bench":"hostile-input",...}`; exit 0 either way). bench/index.ts
// reads that JSON line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_CONFIG_BYTES, MAX_HOSTS, MAX_TARGETS } from '../src/config/limits.js';

/** The issue's goal (absolute) and the relative line that decides: <= 5x a trivial render's CPU. */
export const GOAL = { cpuMs: 2000, trivialRenderMs: 400, rssMB: 300 };
export const MAX_RATIO = GOAL.cpuMs / GOAL.trivialRenderMs;

export interface HostileInputRow {
  input: string;
  bytes: number;
  exitCode: number;
  /** Medians over the rounds. */
  cpuMs: number;
  wallMs: number;
  rssMB: number;
  /** Spread of the CPU time over the rounds. */
  cpuMinMs: number;
  cpuMaxMs: number;
  /** CPU time over a trivial `obsctl render`'s in the same run (the goal: <= 5). */
  ratio: number;
  /** CPU time over a new node process JSON.parsing the same bytes. */
  jsonRatio: number;
  /** Within the relative line and the memory goal, with an expected exit code: what PASS/MISS counts. */
  ok: boolean;
  /** Within the issue's absolute 2,000 ms CPU and 300 MB. */
  absoluteOk: boolean;
}

export interface HostileInputResult {
  rows: HostileInputRow[];
  /** Every row ok (the relative line and memory). */
  pass: boolean;
  /** Every row within the issue's absolute 2 s and 300 MB on this machine. */
  absolutePass: boolean;
  trivialCpuMs: number;
  worst: HostileInputRow;
  peakRssMB: number;
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'dist', 'src', 'cli', 'bin.js');
const preload = path.join(repo, 'test', 'corpus', 'cpu-report.mjs');

const fill = (line: (i: number) => string, head = '') => {
  const parts = [head];
  for (let i = 0, size = head.length; size < MAX_CONFIG_BYTES - 200; i++) {
    const s = line(i);
    parts.push(s);
    size += s.length;
  }
  return parts.join('');
};

/** Inputs just under the limit: valid ones that render, and the worst error-heavy ones. */
export function hostileInputs(): Record<string, string> {
  return {
    'labels (valid)': fill((i) => `      l${i}: v${i}\n`, 'name: lab\ngpu: none\ntargets:\n  - name: big\n    urls: [a:1]\n    labels:\n'),
    'external labels (valid)': fill((i) => `    l${i}: v${i}\n`, 'name: lab\ngpu: none\nprometheus:\n  external_labels:\n'),
    'targets (over the cap)': fill((i) => `  - {name: t${i}, urls: ['h${i}:80']}\n`, 'name: lab\ngpu: none\ntargets:\n'),
    '1,000 targets (the cap)': `name: lab\ngpu: none\ntargets:\n${Array.from({ length: MAX_TARGETS }, (_, i) => `  - {name: t${i}, urls: ['h${i}:80', 'g${i}:81'], labels: {team: t${i % 9}}}\n`).join('')}`,
    '1,000 hosts (the cap)': `name: lab\ngpu: none\nhosts:\n${Array.from({ length: MAX_HOSTS }, (_, i) => `  - {name: h${i}, address: 10.0.${i >> 8}.${i & 255}${i === 0 ? ', role: central' : ''}, labels: {rack: r${i % 20}}}\n`).join('')}`,
    'label errors': fill((i) => `    l-${i}: v\n`, 'prometheus:\n  external_labels:\n'),
    'type errors': fill((i) => `  - {name: t${i}, urls: 5}\n`, 'targets:\n'),
    'syntax errors': fill((i) => `k${i}: [\n`),
    'flow nesting': `name: ${'['.repeat(MAX_CONFIG_BYTES / 2 - 10)}\n`,
    'aliases at the limit': fill((i) => `    l${i}: *a\n`, 'x-a: &a v\nprometheus:\n  external_labels:\n'),
    'comment': `# ${'x'.repeat(MAX_CONFIG_BYTES - 30)}\nname: lab\n`,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function measure(args: string[], dir: string): { exitCode: number; cpuMs: number; rssMB: number; wallMs: number } {
  const usageFile = path.join(dir, 'usage.json');
  const started = performance.now();
  let exitCode = 0;
  try {
    execFileSync(process.execPath, ['--import', preload, ...args], { stdio: 'ignore', env: { ...process.env, OBSCTL_CORPUS_USAGE: usageFile }, timeout: 600_000 });
  } catch (e) {
    exitCode = (e as { status?: number }).status ?? -1;
  }
  const wallMs = performance.now() - started;
  const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { cpuMs: number; rssMB: number };
  return { exitCode, wallMs, ...usage };
}

export function benchHostileInput(log: (line: string) => void = () => {}, rounds = 3): HostileInputResult {
  if (!fs.existsSync(bin)) throw new Error('run `npm run build` first (the bench runs the built CLI)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bench-hostile-'));
  const rows: HostileInputRow[] = [];
  let trivialCpuMs = 0;
  try {
    const file = path.join(dir, 'obsctl.yaml');
    const out = path.join(dir, 'out');
    const reference = path.join(dir, 'reference.mjs');
    fs.writeFileSync(reference, "import fs from 'node:fs';\nJSON.parse(JSON.stringify({ s: fs.readFileSync(process.argv[2], 'utf8') }));\n");
    const render = (extra: string[]) => {
      fs.rmSync(out, { recursive: true, force: true });
      return measure([bin, 'render', '-c', file, '-o', out, '--no-color', ...extra], dir);
    };
    // The trivial render: median of at least 3 (it is the yardstick).
    fs.writeFileSync(file, 'name: lab\ngpu: none\n');
    const trivial = Array.from({ length: Math.max(3, rounds) }, () => render([]).cpuMs);
    trivialCpuMs = median(trivial);
    log(`${'trivial render'.padEnd(24)} exit 0  ${trivialCpuMs.toFixed(0).padStart(5)} ms CPU (median of ${trivial.length}, ${Math.min(...trivial).toFixed(0)}-${Math.max(...trivial).toFixed(0)}: the yardstick; 5x = ${(MAX_RATIO * trivialCpuMs).toFixed(0)} ms)`);
    for (const [input, text] of Object.entries(hostileInputs())) {
      fs.writeFileSync(file, text);
      const runs: ReturnType<typeof measure>[] = [];
      const refs: number[] = [];
      // Interleaved with the JSON.parse reference, so that load on the shared machine falls on both.
      for (let i = 0; i < rounds; i++) {
        runs.push(render(input.includes('hosts') ? ['--host', 'h0'] : []));
        refs.push(measure([reference, file], dir).cpuMs);
      }
      const cpu = runs.map((r) => r.cpuMs);
      const cpuMs = median(cpu);
      const rssMB = Math.max(...runs.map((r) => r.rssMB));
      const exitCode = runs.every((r) => r.exitCode === runs[0]!.exitCode) ? runs[0]!.exitCode : -1;
      const ratio = cpuMs / Math.max(1, trivialCpuMs);
      const expectedExit = [0, 2].includes(exitCode);
      const row: HostileInputRow = {
        input,
        bytes: Buffer.byteLength(text),
        exitCode,
        cpuMs,
        wallMs: median(runs.map((r) => r.wallMs)),
        rssMB,
        cpuMinMs: Math.min(...cpu),
        cpuMaxMs: Math.max(...cpu),
        ratio,
        jsonRatio: cpuMs / Math.max(1, median(refs)),
        ok: ratio <= MAX_RATIO && rssMB <= GOAL.rssMB && expectedExit,
        absoluteOk: cpuMs <= GOAL.cpuMs && rssMB <= GOAL.rssMB && expectedExit,
      };
      rows.push(row);
      const spread = `(${row.cpuMinMs.toFixed(0)}-${row.cpuMaxMs.toFixed(0)})`.padStart(11);
      log(`${input.padEnd(24)} exit ${row.exitCode}  ${row.cpuMs.toFixed(0).padStart(5)} ms CPU ${spread} ${row.wallMs.toFixed(0).padStart(6)} ms wall ${row.rssMB.toFixed(0).padStart(4)} MB  ${row.ratio.toFixed(1).padStart(4)}x trivial render  ${row.jsonRatio.toFixed(0).padStart(3)}x JSON.parse  ${row.absoluteOk ? 'abs ok  ' : 'abs OVER'}  ${row.ok ? 'ok' : 'OVER'}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const worst = rows.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
  return { rows, pass: rows.every((r) => r.ok), absolutePass: rows.every((r) => r.absoluteOk), trivialCpuMs, worst, peakRssMB: Math.max(...rows.map((r) => r.rssMB)) };
}

/** One line with both yardsticks; PASS/MISS is the relative one's (and memory's). */
export function summary(r: HostileInputResult): string {
  const over = r.rows.filter((x) => !x.ok).map((x) => x.input);
  return (
    `${r.pass ? 'PASS' : 'MISS'}: relative: slowest ${r.worst.input} ${r.worst.ratio.toFixed(1)}x a trivial render (goal <= ${MAX_RATIO}x = ${(MAX_RATIO * r.trivialCpuMs).toFixed(0)} ms here)` +
    `${over.length ? `, over: ${over.join(', ')}` : ''}; absolute (the issue's goal): ${r.worst.cpuMs.toFixed(0)} ms CPU (${r.worst.cpuMinMs.toFixed(0)}-${r.worst.cpuMaxMs.toFixed(0)}), peak ${r.peakRssMB.toFixed(0)} MB` +
    ` (goal <= ${GOAL.cpuMs} ms, <= ${GOAL.rssMB} MB): ${r.absolutePass ? 'within' : 'OVER'}`
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.env.HOSTILE_ROUNDS ?? 3);
  console.log(`obsctl render of inputs up to the limit (${MAX_CONFIG_BYTES} bytes), new process each, median of ${rounds}; goal: <= ${MAX_RATIO}x the CPU of a trivial render and <= ${GOAL.rssMB} MB peak RSS (the issue: <= ${GOAL.cpuMs} ms, <= ${GOAL.rssMB} MB)`);
  const r = benchHostileInput(console.log, rounds);
  console.log(summary(r));
  const round = (x: HostileInputRow) => ({ ...x, cpuMs: Math.round(x.cpuMs), cpuMinMs: Math.round(x.cpuMinMs), cpuMaxMs: Math.round(x.cpuMaxMs), wallMs: Math.round(x.wallMs), rssMB: Math.round(x.rssMB), ratio: Number(x.ratio.toFixed(2)), jsonRatio: Number(x.jsonRatio.toFixed(1)) });
  console.log(
    JSON.stringify({
      bench: 'hostile-input',
      pass: r.pass,
      absolutePass: r.absolutePass,
      summary: summary(r),
      goal: { ...GOAL, maxRatio: MAX_RATIO },
      limitBytes: MAX_CONFIG_BYTES,
      rounds,
      trivialCpuMs: Math.round(r.trivialCpuMs),
      worstInput: r.worst.input,
      maxCpuMs: Math.round(r.worst.cpuMs),
      maxRatio: Number(Math.max(...r.rows.map((x) => x.ratio)).toFixed(2)),
      maxRssMB: Math.round(r.peakRssMB),
      rows: r.rows.map(round),
    }),
  );
}
