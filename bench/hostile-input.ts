// Large and hostile obsctl.yaml files up to the size limit: time (CPU and wall) and peak memory of
// parsing and checking each, in a child process per input (`node --import tsx`), against a
// reference in the same run: JSON.parse of a file of the same size. Goal (issue 13): every input up
// to MAX_CONFIG_BYTES answered in <= 2 s and <= 300 MB. Run: npx tsx bench/hostile-input.ts
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_CONFIG_BYTES } from '../src/config/limits.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fill = (line: (i: number) => string, head = '') => {
  const parts = [head];
  for (let i = 0, size = head.length; size < MAX_CONFIG_BYTES - 200; i++) {
    const s = line(i);
    parts.push(s);
    size += s.length;
  }
  return parts.join('');
};

const inputs: Record<string, string> = {
  'labels (valid)': fill((i) => `      l${i}: v${i}\n`, 'targets:\n  - name: big\n    urls: [a:1]\n    labels:\n'),
  'targets (valid)': fill((i) => `  - {name: t${i}, urls: ['h${i}:80']}\n`, 'targets:\n'),
  'label errors': fill((i) => `    l-${i}: v\n`, 'prometheus:\n  external_labels:\n'),
  'flow nesting': `name: ${'['.repeat(MAX_CONFIG_BYTES / 2 - 10)}\n`,
  'aliases at the limit': fill((i) => (i < 4999 ? `    l${i}: *a\n` : `    m${i}: x\n`), 'x-a: &a v\nprometheus:\n  external_labels:\n'),
  'comment': `# ${'x'.repeat(MAX_CONFIG_BYTES - 20)}\nname: lab\n`,
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bench-'));
const probe = path.join(dir, 'probe.mts');
fs.writeFileSync(
  probe,
  `import fs from 'node:fs';
import { parseConfigText } from ${JSON.stringify(path.join(here, '../src/config/load.ts'))};
import { formatIssues } from ${JSON.stringify(path.join(here, '../src/config/issues.ts'))};
const text = fs.readFileSync(process.argv[2], 'utf8');
const cpu0 = process.cpuUsage(); const t0 = performance.now();
if (process.argv[3] === 'json') JSON.parse(JSON.stringify({ s: text })); else { const r = parseConfigText(text); formatIssues('obsctl.yaml', text, r.errors); }
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, rssMB: process.resourceUsage().maxRSS / 1024 }));
`,
);
const run = (file: string, mode = 'yaml') =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', probe, file, mode], { encoding: 'utf8', cwd: path.join(here, '..') })) as { ms: number; cpuMs: number; rssMB: number };

console.log(`inputs of ~${MAX_CONFIG_BYTES} bytes (the limit); goal <= 2000 ms CPU, <= 300 MB`);
for (const [name, text] of Object.entries(inputs)) {
  const file = path.join(dir, 'obsctl.yaml');
  fs.writeFileSync(file, text);
  const r = run(file);
  const ref = run(file, 'json');
  const ok = r.cpuMs <= 2000 && r.rssMB <= 300 ? 'ok' : 'OVER';
  console.log(`${name.padEnd(22)} ${r.cpuMs.toFixed(0).padStart(6)} ms CPU ${r.ms.toFixed(0).padStart(6)} ms wall ${r.rssMB.toFixed(0).padStart(4)} MB  (${(r.cpuMs / Math.max(1, ref.cpuMs)).toFixed(0)}x JSON.parse of the same bytes)  ${ok}`);
}
fs.rmSync(dir, { recursive: true, force: true });
