// The machine's yardstick for bench/hostile-input.ts: a fixed CPU workload that has nothing to do
// with obsctl (text to objects and back, with the allocation and garbage a config parser makes), run
// in a new node process. Its CPU time against its time on the CI machine scales the 2 s.
// Never change it without measuring it again on the CI machine (GOAL.calibrationMs).
const n = 60_000;
const lines = [];
for (let i = 0; i < n; i++) lines.push(`  key_${i}: {name: item-${i % 977}, value: ${(i * 7919) % 100_003}, tags: [a${i % 13}, b${i % 17}]}`);
const re = /^\s*(\w+): \{name: ([\w-]+), value: (\d+), tags: \[(\w+), (\w+)\]\}$/;
const out = {};
for (const line of lines.join('\n').split('\n')) {
  const m = re.exec(line);
  out[m[1]] = { name: m[2], value: Number(m[3]), tags: [m[4], m[5]] };
}
if (Object.keys(JSON.parse(JSON.stringify(out))).length !== n) throw new Error('the calibration workload broke');
