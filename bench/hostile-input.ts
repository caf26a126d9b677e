// Benchmark (not a test), issue 15 (from issue 13): every obsctl.yaml up to the size limit
// (MAX_CONFIG_BYTES) is answered in <= 2 s and <= 300 MB. Each input goes through the built CLI
// (`obsctl render`) in a new process, as a user runs it, which reports its own CPU time and peak RSS
// (process start included; test/corpus/cpu-report.mjs). CPU time, not wall, is measured: the CI
// machine is 2 shared cores, where wall time measures the neighbours. Each input runs `rounds` times
// (default 3); its row is the median, with the spread.
//
// What decides PASS/MISS: the issue's 2 s, scaled by this machine's speed, and 300 MB. The scale is
// a fixed CPU workload that has nothing to do with obsctl (bench/calibration.mjs: text to objects
// and back, the allocation and garbage a config parser makes), run in a new node process in the same run: it
// took GOAL.calibrationMs on the CI machine (2 cores), so where it takes twice that, the budget is
// 4 s. That means the same on a fast laptop and on an overloaded CI box, as the issue's 2 s does on
// the CI machine.
// Also printed, not judged:
// - the absolute CPU time against the issue's 2,000 ms as written (this machine, unscaled);
// - the ratio to a trivial `obsctl render` (a two-line obsctl.yaml) in the same run. This was the
//   judge (<= 5x) while a trivial render took ~0.4 s, when 5x was the issue's 2 s. A trivial render
//   takes ~0.12 s of CPU on the CI machine now, so 5x is ~0.6 s there, and every speed-up of obsctl's
//   start (issue 15's cold-render goal) tightened it further: it measured obsctl's start-up, not the
//   machine, and no longer meant the issue's 2 s anywhere.
// - the ratio to a new node process JSON.parsing the same bytes.
// Run: npm run build && npx tsx bench/hostile-input.ts  (prints a table, PASS or MISS, and one JSON
// line `{"bench":"hostile-input",...}`; exit 0 either way). bench/index.ts reads that JSON line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_CONFIG_BYTES, MAX_HOSTS, MAX_TARGETS } from '../src/config/limits.js';

/**
 * The issue's goal: 2,000 ms of CPU on the CI machine, where bench/calibration.mjs takes calibrationMs (its
 * median there on 2026-12-02: 265 ms at load 10, while a trivial render took 135 ms; 116 ms when
 * the machine was quiet, hence 230 ms), and 300 MB peak RSS. trivialRenderRatio: the former line.
 */
export const GOAL = { cpuMs: 2000, calibrationMs: 230, rssMB: 300, trivialRenderRatio: 5 };

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
  /** CPU time as it would be on the CI machine (scaled by the calibration): the goal, <= 2,000 ms. */
  ciCpuMs: number;
  /** CPU time over a trivial `obsctl render`'s in the same run (not judged; the former <= 5x line). */
  ratio: number;
  /** CPU time over a new node process JSON.parsing the same bytes. */
  jsonRatio: number;
  /** Within the scaled 2 s and 300 MB, with an expected exit code: what PASS/MISS counts. */
  ok: boolean;
  /** Within 2,000 ms CPU (unscaled, this machine) and 300 MB. */
  absoluteOk: boolean;
}

export interface HostileInputResult {
  rows: HostileInputRow[];
  /** Every row ok (the scaled 2 s and 300 MB). */
  pass: boolean;
  /** Every row within 2 s (unscaled) and 300 MB on this machine. */
  absolutePass: boolean;
  /** Every row within 5x a trivial render (the former line). */
  trivialPass: boolean;
  trivialCpuMs: number;
  calibrationCpuMs: number;
  /** The 2 s budget on this machine: GOAL.cpuMs scaled by the calibration. */
  budgetMs: number;
  worst: HostileInputRow;
  peakRssMB: number;
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'dist', 'src', 'cli', 'bin.js');
const preload = path.join(repo, 'test', 'corpus', 'cpu-report.mjs');
const calibration = path.join(repo, 'bench', 'calibration.mjs');

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
  let calibrationCpuMs = 0;
  let budgetMs = 0;
  try {
    const file = path.join(dir, 'obsctl.yaml');
    const out = path.join(dir, 'out');
    const reference = path.join(dir, 'reference.mjs');
    fs.writeFileSync(reference, "import fs from 'node:fs';\nJSON.parse(JSON.stringify({ s: fs.readFileSync(process.argv[2], 'utf8') }));\n");
    const render = (extra: string[]) => {
      fs.rmSync(out, { recursive: true, force: true });
      return measure([bin, 'render', '-c', file, '-o', out, '--no-color', ...extra], dir);
    };
    // The machine's yardstick and the trivial render, interleaved: median of at least 3 each.
    fs.writeFileSync(file, 'name: lab\ngpu: none\n');
    const calibrations: number[] = [];
    const trivial: number[] = [];
    for (let i = 0; i < Math.max(3, rounds); i++) {
      calibrations.push(measure([calibration], dir).cpuMs);
      trivial.push(render([]).cpuMs);
    }
    calibrationCpuMs = median(calibrations);
    trivialCpuMs = median(trivial);
    budgetMs = (GOAL.cpuMs * calibrationCpuMs) / GOAL.calibrationMs;
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
    log(`${'calibration'.padEnd(24)}         ${calibrationCpuMs.toFixed(0).padStart(5)} ms CPU (${spread(calibrations)}; ${GOAL.calibrationMs} ms on the CI machine: the budget here is ${budgetMs.toFixed(0)} ms)`);
    log(`${'trivial render'.padEnd(24)} exit 0  ${trivialCpuMs.toFixed(0).padStart(5)} ms CPU (${spread(trivial)}; ${GOAL.trivialRenderRatio}x = ${(GOAL.trivialRenderRatio * trivialCpuMs).toFixed(0)} ms)`);
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
        ciCpuMs: (cpuMs * GOAL.calibrationMs) / calibrationCpuMs,
        ratio: cpuMs / Math.max(1, trivialCpuMs),
        jsonRatio: cpuMs / Math.max(1, median(refs)),
        ok: cpuMs <= budgetMs && rssMB <= GOAL.rssMB && expectedExit,
        absoluteOk: cpuMs <= GOAL.cpuMs && rssMB <= GOAL.rssMB && expectedExit,
      };
      rows.push(row);
      log(
        `${input.padEnd(24)} exit ${row.exitCode}  ${row.cpuMs.toFixed(0).padStart(5)} ms CPU ${`(${spread(cpu)})`.padStart(11)} ${row.wallMs.toFixed(0).padStart(6)} ms wall ${row.rssMB.toFixed(0).padStart(4)} MB` +
          `  ${(row.cpuMs / budgetMs).toFixed(2)} of the budget  ${row.ratio.toFixed(1).padStart(4)}x trivial render  ${row.jsonRatio.toFixed(0).padStart(3)}x JSON.parse  ${row.ok ? 'ok' : 'OVER'}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const worst = rows.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
  return {
    rows,
    pass: rows.every((r) => r.ok),
    absolutePass: rows.every((r) => r.absoluteOk),
    trivialPass: rows.every((r) => r.ratio <= GOAL.trivialRenderRatio),
    trivialCpuMs,
    calibrationCpuMs,
    budgetMs,
    worst,
    peakRssMB: Math.max(...rows.map((r) => r.rssMB)),
  };
}

/** One line with every yardstick; PASS/MISS is the scaled 2 s and 300 MB. */
export function summary(r: HostileInputResult): string {
  const over = r.rows.filter((x) => !x.ok).map((x) => x.input);
  const overTrivial = r.rows.filter((x) => x.ratio > GOAL.trivialRenderRatio).map((x) => x.input);
  const maxRatio = Math.max(...r.rows.map((x) => x.ratio));
  const w = r.worst;
  return (
    `${r.pass ? 'PASS' : 'MISS'}: slowest ${w.input} ${w.cpuMs.toFixed(0)} ms CPU (${w.cpuMinMs.toFixed(0)}-${w.cpuMaxMs.toFixed(0)}) = ${w.ciCpuMs.toFixed(0)} ms on the CI machine, peak ${r.peakRssMB.toFixed(0)} MB ` +
    `(goal <= ${GOAL.cpuMs} ms there = ${r.budgetMs.toFixed(0)} ms here, <= ${GOAL.rssMB} MB)${over.length ? `; over: ${over.join(', ')}` : ''}; ` +
    `unscaled: ${r.absolutePass ? `within ${GOAL.cpuMs} ms` : `OVER ${GOAL.cpuMs} ms`} on this machine; ` +
    `not judged: worst ${maxRatio.toFixed(1)}x a trivial render (${r.trivialCpuMs.toFixed(0)} ms)${r.trivialPass ? '' : `, over the former ${GOAL.trivialRenderRatio}x line: ${overTrivial.length} of ${r.rows.length} inputs`}`
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.env.HOSTILE_ROUNDS ?? 3);
  console.log(
    `obsctl render of inputs up to the limit (${MAX_CONFIG_BYTES} bytes), new process each, median of ${rounds}; goal: <= ${GOAL.cpuMs} ms CPU on the CI machine (scaled by bench/calibration.mjs) and <= ${GOAL.rssMB} MB peak RSS`,
  );
  const r = benchHostileInput(console.log, rounds);
  console.log(summary(r));
  const round = (x: HostileInputRow) => ({
    ...x,
    cpuMs: Math.round(x.cpuMs),
    cpuMinMs: Math.round(x.cpuMinMs),
    cpuMaxMs: Math.round(x.cpuMaxMs),
    ciCpuMs: Math.round(x.ciCpuMs),
    wallMs: Math.round(x.wallMs),
    rssMB: Math.round(x.rssMB),
    ratio: Number(x.ratio.toFixed(2)),
    jsonRatio: Number(x.jsonRatio.toFixed(1)),
  });
  console.log(
    JSON.stringify({
      bench: 'hostile-input',
      pass: r.pass,
      absolutePass: r.absolutePass,
      trivialPass: r.trivialPass,
      summary: summary(r),
      goal: GOAL,
      limitBytes: MAX_CONFIG_BYTES,
      rounds,
      calibrationCpuMs: Math.round(r.calibrationCpuMs),
      budgetMs: Math.round(r.budgetMs),
      trivialCpuMs: Math.round(r.trivialCpuMs),
      worstInput: r.worst.input,
      maxCpuMs: Math.round(r.worst.cpuMs),
      maxCiCpuMs: Math.round(r.worst.ciCpuMs),
      maxRatio: Number(Math.max(...r.rows.map((x) => x.ratio)).toFixed(2)),
      maxRssMB: Math.round(r.peakRssMB),
      rows: r.rows.map(round),
    }),
  );
}
