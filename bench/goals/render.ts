// Goal: a cold `obsctl render` of the default config (a new node process) within 1.5x of
// `docker compose config -q` on the compose file it rendered, interleaved in one run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, interleave, node, notMeasured, ratioGoal, run, type Goal } from '../lib.js';

export function renderGoal(rounds: number): Goal {
  const name = 'cold render vs docker compose config -q';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bench-render-'));
  try {
    const out = path.join(dir, 'out');
    const render = () => run(node, [bin, 'render', '--out', out], { cwd: dir });
    render(); // the files compose reads; also fills Node's compile cache and the render bundle's code cache (src/cli/render-bundle.ts), as any earlier run would have
    const compose = () => run('docker', ['compose', '-f', path.join(out, 'compose.yaml'), 'config', '-q'], { env: { ...process.env, OBSCTL_SECRET_GRAFANA_ADMIN_PASSWORD: 'x' } });
    try {
      compose();
    } catch (e) {
      return notMeasured(name, 'ratio', 1.5, `docker compose unavailable: ${(e as Error).message.split('\n')[0]}`);
    }
    const { reference, subject, cpu } = interleave(rounds, compose, render);
    const goal = ratioGoal(name, 1.5, subject, reference, { subject: 'obsctl render', reference: 'compose config' });
    if (!cpu) return goal;
    const detail = `${goal.detail}; CPU: render ${cpu.subject.median.toFixed(0)} ms, compose config ${cpu.reference.median.toFixed(0)} ms = ${(cpu.subject.median / cpu.reference.median).toFixed(2)}x`;
    return { ...goal, cpu, detail };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
