// Goal: `obsctl verify` on the central host of a 100-host inventory, on a warm healthy stack,
// <= 2 s (issue 15). Central is a real stack (Prometheus, Alertmanager, central's own
// node-exporter; Grafana off: there is no Grafana image here) brought up by `obsctl up --host
// central-1`. The 100 inventory hosts are one container with 100 addresses: it sits on central's
// own stack network (Docker drops traffic between two bridge networks, and publishing 200 ports
// would start 200 docker-proxy processes on one address), and each host's address is an alias on
// its eth0. On every address test/e2e/replay-server.mjs answers with recorded real exporter
// output: node-exporter on :9100 (recorded from obsctl-test/node-exporter:1 when the bench starts)
// and dcgm-exporter on :9400 (the T4 recording). Central scrapes the 200 targets through file_sd
// as it would real hosts, and verify checks each host by name.
// Its own subnet, ports and project (not bench/goals/stack.ts's); run the bench under
// `flock /tmp/bench-stack.lock` all the same, so two stack benchmarks never share the machine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { bin, node, notMeasured, repo, run, sample, secondsGoal, timeWithCpu, type Goal } from '../lib.js';

const hostCount = 100;
const name = `speed-fleet-${process.pid}`;
const project = `${name}-central-1`;
const network = `${project}_obsctl`; // Compose's name for the stack network `obsctl`
const fixture = `${name}-hosts`;
const net = '172.27.100'; // no other bench or e2e file uses 172.27
const hostAddress = (i: number) => `${net}.${100 + i}`; // i = 1..100; Docker's IPAM hands out .2 upwards
const env = { ...process.env, NO_COLOR: '1' };
const names = { noWait: 'verify with a 100-host inventory', wait: 'default verify with a 100-host inventory (warm stack)' };

function writeConfig(dir: string) {
  const hosts = Array.from({ length: hostCount }, (_, k) => ({
    name: `gpu-${String(k + 1).padStart(3, '0')}`,
    address: hostAddress(k + 1),
    gpu: 'nvidia',
    labels: { rack: `r${Math.ceil((k + 1) / 10)}`, site: 'bench' },
  }));
  fs.writeFileSync(
    path.join(dir, 'obsctl.yaml'),
    stringify({
      name,
      images: { prometheus: 'obsctl-test/prometheus:3.5', alertmanager: 'obsctl-test/alertmanager:0.28', 'node-exporter': 'obsctl-test/node-exporter:1', pull_policy: 'never' },
      grafana: { enabled: false },
      ports: { prometheus: 29190, alertmanager: 29193, grafana: 23001 },
      verify: { webhook_port: 29196 },
      // The default 15 s scrape and evaluation intervals: what a real fleet runs.
      prometheus: { retention_size: '1GB' },
      hosts: [{ name: 'central-1', role: 'central', address: `${net}.1`, network_subnet: `${net}.0/24`, ports: { node_exporter: 29200 } }, ...hosts],
    }),
  );
}

/** The exporters' answers: node-exporter's recorded from the test image now, dcgm's the T4 recording. */
function writeReplay(dir: string) {
  fs.mkdirSync(dir, { mode: 0o755 });
  const rec = `${name}-record`;
  run('docker', ['run', '-d', '--rm', '--network', 'none', '--name', rec, '-v', '/:/host:ro', 'obsctl-test/node-exporter:1', '--path.rootfs=/host']);
  try {
    let metrics = '';
    for (let i = 0; i < 50 && !metrics.includes('node_cpu_seconds_total'); i++) {
      try {
        metrics = run('docker', ['exec', rec, 'wget', '-qO-', 'http://127.0.0.1:9100/metrics']);
      } catch {
        run('sleep', ['0.1']);
      }
    }
    if (!metrics) throw new Error('node-exporter did not answer to be recorded');
    fs.writeFileSync(path.join(dir, 'node.prom'), metrics);
  } finally {
    run('docker', ['rm', '-f', rec]);
  }
  fs.copyFileSync(path.join(repo, 'templates', 'dcgm-sim', 't4-dcgm-exporter.prom'), path.join(dir, 'dcgm.prom'));
  fs.copyFileSync(path.join(repo, 'test', 'e2e', 'replay-server.mjs'), path.join(dir, 'replay-server.mjs'));
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
}

/** The hosts' container on the stack network, with one address per inventory host. */
function startHosts(replay: string) {
  const serve = (file: string, port: number) => `REPLAY_FILE=/replay/${file} REPLAY_PORT=${port} node /replay/replay-server.mjs &`;
  run('docker', ['run', '-d', '--name', fixture, '--label', `org.obsctl.bench=${name}`, '--network', network, '--ip', `${net}.100`, '-v', `${replay}:/replay:ro`, 'obsctl-test/node:22', 'sh', '-c', `${serve('node.prom', 9100)} ${serve('dcgm.prom', 9400)} wait`]);
  // The aliases, from a helper that shares the container's network namespace (the only one with NET_ADMIN).
  const add = Array.from({ length: hostCount }, (_, k) => `ip addr add ${hostAddress(k + 1)}/24 dev eth0`).join(' && ');
  run('docker', ['run', '--rm', '--user', '0', '--network', `container:${fixture}`, '--cap-add', 'NET_ADMIN', '--entrypoint', '/bin/busybox', 'obsctl-test/node:22', 'sh', '-c', add]);
}

/**
 * `obsctl up --host central-1`, with the hosts' container started as soon as Compose has created
 * the stack network (it must exist first), so that up's GPU discovery already finds DCGM series.
 */
async function upWithHosts(dir: string, replay: string) {
  const child = spawn(node, [bin, 'up', '--host', 'central-1'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    try {
      run('docker', ['network', 'inspect', network]);
      break;
    } catch {
      if (done) throw new Error(`obsctl up failed before creating the stack network:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  startHosts(replay);
  if ((await exited) !== 0) throw new Error(`obsctl up --host central-1 failed:\n${output}`);
}

interface Report {
  checks: { status: string; group: string; name: string; reason: string }[];
}

export async function fleetGoals(rounds: number): Promise<Goal[]> {
  try {
    for (const image of ['obsctl-test/prometheus:3.5', 'obsctl-test/alertmanager:0.28', 'obsctl-test/node-exporter:1', 'obsctl-test/node:22']) run('docker', ['image', 'inspect', image]);
  } catch {
    const why = 'no Docker engine or no local test images (docker/build-images.sh, docker/build-node-image.sh)';
    return [notMeasured(names.noWait, 'seconds', 2, why), notMeasured(names.wait, 'seconds', 2, why)];
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bench-fleet-'));
  const obsctl = (...args: string[]) => run(node, [bin, ...args, '--host', 'central-1'], { cwd: dir, env });
  /** Until verify (which waits out a young stack itself) has nothing failed or pending: only a healthy stack is timed. */
  const healthy = async () => {
    const deadline = Date.now() + 5 * 60_000;
    let left: string[] = [];
    while (Date.now() < deadline) {
      let out: string;
      try {
        out = obsctl('verify', '--json');
      } catch (e) {
        out = String((e as { stdout?: Buffer }).stdout ?? '');
      }
      try {
        left = (JSON.parse(out) as Report).checks.filter((c) => c.status === 'fail' || c.status === 'pending').map((c) => `${c.name}: ${c.reason}`);
      } catch {
        left = [`no JSON report: ${out.slice(0, 300)}`];
      }
      if (!left.length) return;
      await new Promise((r) => setTimeout(r, 5000));
    }
    throw new Error(`the 100-host stack did not turn healthy in 5 minutes: ${left.slice(0, 3).join('; ')}`);
  };
  const load = () => os.loadavg()[0]!.toFixed(2);
  try {
    writeConfig(dir);
    const replay = path.join(dir, 'replay');
    writeReplay(replay);
    await upWithHosts(dir, replay);
    await healthy();
    // A second up discovers every host's GPU (the first saw the hosts scraped by then): the stack
    // a fleet runs after its first minutes. Its reload restarts rule evaluation; verify waits for it.
    obsctl('up');
    await healthy();
    const loadBefore = load();
    const times = { noWait: [] as number[], wait: [] as number[] };
    const cpu = { noWait: [] as number[], wait: [] as number[] };
    const failed: string[] = [];
    let failures = 0;
    let hostsPassed = -1;
    let checkCount = 0;
    const timed = (kind: 'noWait' | 'wait') => {
      let out = '';
      const t = timeWithCpu(() => {
        try {
          out = obsctl('verify', ...(kind === 'noWait' ? ['--no-wait'] : []), '--json');
        } catch (e) {
          failures++;
          out = String((e as { stdout?: Buffer }).stdout ?? '');
        }
      });
      times[kind].push(t.wall);
      if (t.cpu !== undefined) cpu[kind].push(t.cpu);
      try {
        const report = JSON.parse(out) as Report;
        failed.push(...report.checks.filter((c) => c.status === 'fail').map((c) => `${c.group}/${c.name}: ${c.reason}`.slice(0, 200)));
        const hosts = report.checks.filter((c) => c.group === 'targets' && c.name.startsWith('host '));
        hostsPassed = hostsPassed < 0 ? hosts.filter((c) => c.status === 'pass').length : Math.min(hostsPassed, hosts.filter((c) => c.status === 'pass').length);
        checkCount = report.checks.length;
      } catch {
        failed.push(`no JSON report: ${out.slice(0, 200)}`);
      }
    };
    // Alternating which goes first, so load on the shared machine falls on both alike.
    for (let i = 0; i < rounds; i++) for (const kind of i % 2 ? (['wait', 'noWait'] as const) : (['noWait', 'wait'] as const)) timed(kind);
    const context = `${checkCount} checks, ${hostsPassed} of ${hostCount} hosts pass in every run, ${failures} of ${2 * rounds} runs judged a check failed${failed.length ? `: ${[...new Set(failed)].slice(0, 5).join('; ')}` : ''}; load ${loadBefore} -> ${load()}`;
    const goal = (key: 'noWait' | 'wait', goalName: string, what: string): Goal => {
      const g = secondsGoal(goalName, 2, sample(times[key]), what);
      return cpu[key].length ? { ...g, cpu: { subject: sample(cpu[key]) }, detail: `${g.detail}; CPU median ${sample(cpu[key]).median.toFixed(0)} ms (${Math.min(...cpu[key])}-${Math.max(...cpu[key])})` } : g;
    };
    const passed = (g: Goal): Goal => (failures || hostsPassed !== hostCount ? { ...g, status: 'MISS', detail: `${g.detail} (a check failed: not a healthy stack)` } : g);
    return [passed(goal('noWait', names.noWait, `obsctl verify --no-wait on central (${context})`)), passed(goal('wait', names.wait, 'obsctl verify (one round on a healthy stack)'))];
  } catch (e) {
    const why = `the 100-host stack failed: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`;
    return [notMeasured(names.noWait, 'seconds', 2, why), notMeasured(names.wait, 'seconds', 2, why)];
  } finally {
    try {
      run('docker', ['rm', '-f', fixture]); // first: Compose cannot remove a network a container is still on
    } catch {
      /* never started */
    }
    try {
      obsctl('down', '--volumes', '--yes');
    } catch {
      /* never up */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
