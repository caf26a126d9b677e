// Preloaded into each CLI child of `npm run corpus` (node --import): on exit, writes the child's own
// CPU time and peak RSS to the file OBSCTL_CORPUS_USAGE names. Wall time alone cannot tell a hang
// from a loaded machine (2 shared cores: a plain render can take 25 s of wall and 1.5 s of CPU).
import fs from 'node:fs';

const file = process.env.OBSCTL_CORPUS_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMB: u.maxRSS / 1024 }));
  });
}
