// Benchmark (not a test) of `obsctl watch`, on the real Docker engine with real Prometheus and
// Alertmanager servers (the Debian binaries from .ci/install-tools.sh, on free local ports):
//  1. event latency: a container of the watched compose project is stopped and started; the time
//     from the command to the `docker events` line (the reference: the engine's own CLI) and to
//     obsctl's NDJSON line, median of N rounds, and what watch adds on top of the engine;
//  2. idle CPU of the terminal view (under tmux, polling Prometheus/Alertmanager every 2 s) vs
//     `top -d 2`, a classic terminal dashboard redrawing at the same pace, over the same window.
// Run: npm run build && npx tsx bench/watch.ts [rounds=5] [idle seconds=20]
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const rounds = Number(process.argv[2] ?? 5);
const idleSeconds = Number(process.argv[3] ?? 20);
const repo = path.resolve(import.meta.dirname, '..');
const bin = path.join(repo, 'dist', 'src', 'cli', 'bin.js');
const node = path.join(repo, 'node_modules', '.bin', 'node');
const tools = '/opt/obsctl-tools/bin';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bench-watch-'));
const project = `bench-watch-${process.pid}`;
const container = `${project}-probe`;
const socket = `obsctl-bench-watch-${process.pid}`;
const children: ChildProcess[] = [];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Lines of a child's stdout, each with when it arrived. */
function lines(child: ChildProcess): { at: number; line: string }[] {
  const got: { at: number; line: string }[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => got.push({ at: performance.now(), line }));
  return got;
}
async function waitLine(got: { at: number; line: string }[], after: number, pred: (l: string) => boolean, what: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const hit = got.find((g) => g.at >= after && pred(g.line));
    if (hit) return hit.at - after;
    await sleep(50);
  }
  throw new Error(`no ${what} line within 10 s`);
}
const cpuTicks = (pid: number) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100 per second)
};

try {
  const [promPort, amPort] = [await freePort(), await freePort()];
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global: {scrape_interval: 2s}\nscrape_configs: [{job_name: prometheus, static_configs: [{targets: ['127.0.0.1:${promPort}']}]}]\n`);
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), 'route: {receiver: "null"}\nreceivers: [{name: "null"}]\n');
  children.push(spawn(path.join(tools, 'prometheus'), [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/tsdb`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' }));
  children.push(spawn(path.join(tools, 'prometheus-alertmanager'), [`--config.file=${dir}/alertmanager.yml`, `--storage.path=${dir}/am`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='], { stdio: 'ignore' }));
  fs.writeFileSync(path.join(dir, 'obsctl.yaml'), `name: ${project}\nports: {prometheus: ${promPort}, alertmanager: ${amPort}}\n`);
  execFileSync('docker', ['run', '-d', '--name', container, '--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.service=probe', 'obsctl-test/node-exporter:1'], { stdio: 'ignore' });

  const reference = spawn('docker', ['events', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'type=container', '--format', '{{.Action}}'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const watch = spawn(node, [bin, 'watch', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(reference, watch);
  const refLines = lines(reference);
  const watchLines = lines(watch);
  await waitLine(watchLines, 0, (l) => l.includes('"snapshot"'), 'snapshot');
  await sleep(3000); // let both streams settle

  const engine: number[] = [];
  const obsctl: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [action, refAction, to] of [['stop', 'die', '"to":"exited"'], ['start', 'start', '"to":"running"']] as const) {
      const t0 = performance.now();
      execFileSync('docker', [action, ...(action === 'stop' ? ['-t', '1'] : []), container], { stdio: 'ignore' });
      engine.push(await waitLine(refLines, t0, (l) => l === refAction, `docker events ${refAction}`));
      obsctl.push(await waitLine(watchLines, t0, (l) => l.includes('service_health_changed') && l.includes(to), `watch ${to}`));
      await sleep(500);
    }
  }
  const added = obsctl.map((o, i) => o - engine[i]!);
  console.log(`event latency over ${engine.length} container stops/starts (median): docker events ${median(engine).toFixed(0)} ms, obsctl watch --json ${median(obsctl).toFixed(0)} ms, ratio ${(median(obsctl) / median(engine)).toFixed(2)}x; added by watch (Engine event -> NDJSON line): median ${median(added).toFixed(0)} ms, max ${Math.max(...added).toFixed(0)} ms`);
  watch.kill();

  // Idle CPU: both dashboards in tmux at 150x50, measured over the same window once settled.
  const pidFile = (name: string) => path.join(dir, `${name}.pid`);
  execFileSync('tmux', ['-L', socket, 'new-session', '-d', '-x', '150', '-y', '50', '-c', dir, `echo $$ > ${pidFile('watch')}; NO_COLOR=1 exec ${node} ${bin} watch`]);
  execFileSync('tmux', ['-L', socket, 'new-window', '-d', `echo $$ > ${pidFile('top')}; exec top -d 2`]);
  await sleep(5000);
  const pids = { watch: Number(fs.readFileSync(pidFile('watch'), 'utf8')), top: Number(fs.readFileSync(pidFile('top'), 'utf8')) };
  const before = { watch: cpuTicks(pids.watch), top: cpuTicks(pids.top) };
  await sleep(idleSeconds * 1000);
  const pct = (name: 'watch' | 'top') => (cpuTicks(pids[name]) - before[name]) / idleSeconds; // ticks/s = % of one core
  const screen = execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-t', ':0']).toString();
  if (!screen.includes('TARGETS (1/1 up)')) throw new Error(`the view did not show the live target:\n${screen}`);
  console.log(`idle CPU over ${idleSeconds} s (view polling every 2 s): obsctl watch ${pct('watch').toFixed(2)}% of a core, top -d 2 ${pct('top').toFixed(2)}%, ratio ${(pct('watch') / Math.max(pct('top'), 0.01)).toFixed(2)}x`);
} finally {
  spawn('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  for (const c of children) c.kill();
  execFileSync('docker', ['rm', '-f', container], { stdio: 'ignore' });
  fs.rmSync(dir, { recursive: true, force: true });
}
