// Goal: `obsctl verify` on the central host of a 100-host inventory, on a warm healthy stack,
// <= 2 s (issue 15), for both fleet topologies (docs/fleet.md): pull (central scrapes every host)
// and agent (what `obsctl init` writes: each host's agent remote-writes to central).
// Central is a real stack (Prometheus, Alertmanager, central's own node-exporter; Grafana off:
// there is no Grafana image here) brought up by `obsctl up --host central-1`. The 100 inventory
// hosts are one container with 100 addresses: it sits on central's own stack network (Docker
// drops traffic between two bridge networks, and publishing 200 ports would start 200
// docker-proxy processes on one address), and each host's address is an alias on its eth0. On
// every address test/e2e/replay-server.mjs answers with recorded real exporter output:
// node-exporter on :9100 (recorded from obsctl-test/node-exporter:1 when the bench starts) and
// dcgm-exporter on :9400 (the T4 recording). Pull: central scrapes the 200 targets through
// file_sd as it would real hosts. Agent: one real Prometheus in agent mode scrapes them with the
// labels each host's obsctl-rendered agent sets (host, inventory labels, instance = address:port)
// and remote-writes to central's address as the hosts' agents would; the series central holds
// are the same as from 100 agents. verify checks each host by name either way.
// Its own subnet, ports and project (not bench/goals/stack.ts's); run the bench under
// `flock /tmp/bench-stack.lock` all the same, so two stack benchmarks never share the machine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { bin, node, notMeasured, repo, run, sample, timeWithCpu, type Goal, type Sample } from '../lib.js';

type Mode = 'pull' | 'agent';
const hostCount = 100;
const net = '172.27.100'; // no other bench or e2e file uses 172.27
const hostAddress = (i: number) => `${net}.${100 + i}`; // i = 1..100; Docker's IPAM hands out .2 upwards
const hostName = (i: number) => `gpu-${String(i).padStart(3, '0')}`;
const labels = (i: number) => ({ rack: `r${Math.ceil(i / 10)}`, site: 'bench' });
const ports = { prometheus: 29190, alertmanager: 29193, grafana: 23001, webhook: 29196, centralNode: 29200 };
// Its own check cache (src/validate/check-cache.ts), removed after the run: a bench leaves nothing
// in the user's ~/.cache/obsctl.
const cacheDir = path.join(os.tmpdir(), `obsctl-bench-fleet-cache-${process.pid}`);
const env = { ...process.env, NO_COLOR: '1', OBSCTL_CACHE_DIR: cacheDir };
const goalName = { pull: 'verify with a 100-host inventory', agent: 'verify with a 100-host agent fleet' };

/** Names of one mode's run: its own Compose project, so a run never meets another's leftovers. */
function namesFor(mode: Mode) {
  const name = `speed-fleet-${mode}-${process.pid}`;
  const project = `${name}-central-1`;
  return { name, project, network: `${project}_obsctl`, hosts: `${name}-hosts`, agent: `${name}-agent` };
}
type Names = ReturnType<typeof namesFor>;

function writeConfig(dir: string, mode: Mode, n: Names) {
  const hosts = Array.from({ length: hostCount }, (_, k) => ({ name: hostName(k + 1), address: hostAddress(k + 1), gpu: 'nvidia', labels: labels(k + 1) }));
  fs.writeFileSync(
    path.join(dir, 'obsctl.yaml'),
    stringify({
      name: n.name,
      ...(mode === 'agent' ? { fleet: { mode: 'agent' } } : {}),
      images: { prometheus: 'obsctl-test/prometheus:3.5', alertmanager: 'obsctl-test/alertmanager:0.28', 'node-exporter': 'obsctl-test/node-exporter:1', pull_policy: 'never' },
      grafana: { enabled: false },
      ports: { prometheus: ports.prometheus, alertmanager: ports.alertmanager, grafana: ports.grafana },
      verify: { webhook_port: ports.webhook },
      // The default 15 s scrape and evaluation intervals: what a real fleet runs.
      prometheus: { retention_size: '1GB' },
      hosts: [{ name: 'central-1', role: 'central', address: `${net}.1`, network_subnet: `${net}.0/24`, ports: { node_exporter: ports.centralNode } }, ...hosts],
    }),
  );
}

/** The exporters' answers: node-exporter's recorded from the test image now, dcgm's the T4 recording. */
function writeReplay(dir: string, n: Names) {
  fs.mkdirSync(dir, { mode: 0o755 });
  const rec = `${n.name}-record`;
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
  // One agent for all hosts, each target labelled as that host's own rendered agent labels it.
  const job = (jobName: string, port: number) => ({
    job_name: jobName,
    ...(jobName === 'dcgm-exporter' ? { metric_relabel_configs: [{ action: 'labeldrop', regex: 'Hostname|hostname' }] } : {}),
    static_configs: Array.from({ length: hostCount }, (_, k) => ({ targets: [`${hostAddress(k + 1)}:${port}`], labels: { host: hostName(k + 1), ...labels(k + 1), instance: `${hostAddress(k + 1)}:${port}` } })),
  });
  const agent = {
    global: { scrape_interval: '15s' },
    scrape_configs: [job('node-exporter', 9100), job('dcgm-exporter', 9400)],
    remote_write: [{ name: 'central', url: `http://${net}.1:${ports.prometheus}/api/v1/write`, queue_config: { capacity: 10000, max_shards: 10, max_samples_per_send: 2000, max_backoff: '10s' } }],
  };
  fs.writeFileSync(path.join(dir, 'agent.yml'), stringify(agent));
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
}

/** The hosts' container on the stack network, with one address per inventory host (and the agent). */
function startHosts(replay: string, mode: Mode, n: Names) {
  const serve = (file: string, port: number) => `REPLAY_FILE=/replay/${file} REPLAY_PORT=${port} node /replay/replay-server.mjs &`;
  const label = ['--label', `org.obsctl.bench=${n.name}`];
  run('docker', ['run', '-d', '--name', n.hosts, ...label, '--network', n.network, '--ip', `${net}.100`, '-v', `${replay}:/replay:ro`, 'obsctl-test/node:22', 'sh', '-c', `${serve('node.prom', 9100)} ${serve('dcgm.prom', 9400)} wait`]);
  // The aliases, from a helper that shares the container's network namespace (the only one with NET_ADMIN).
  const add = Array.from({ length: hostCount }, (_, k) => `ip addr add ${hostAddress(k + 1)}/24 dev eth0`).join(' && ');
  run('docker', ['run', '--rm', '--user', '0', '--network', `container:${n.hosts}`, '--cap-add', 'NET_ADMIN', '--entrypoint', '/bin/busybox', 'obsctl-test/node:22', 'sh', '-c', add]);
  if (mode === 'agent') {
    run('docker', ['run', '-d', '--name', n.agent, ...label, '--network', n.network, '-v', `${path.join(replay, 'agent.yml')}:/etc/agent/prometheus.yml:ro`, 'obsctl-test/prometheus:3.5', '--agent', '--config.file=/etc/agent/prometheus.yml', '--storage.agent.path=/prometheus']);
  }
}

/**
 * `obsctl up --host central-1`, with the hosts started as soon as Compose has created the stack
 * network (they live on it), so that up's GPU discovery already finds DCGM series.
 */
async function upWithHosts(dir: string, replay: string, mode: Mode, n: Names) {
  const child = spawn(node, [bin, 'up', '--host', 'central-1'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let done = false;
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1))).finally(() => (done = true));
  for (;;) {
    try {
      run('docker', ['network', 'inspect', n.network]);
      break;
    } catch {
      if (done) throw new Error(`obsctl up failed before creating the stack network:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  startHosts(replay, mode, n);
  if ((await exited) !== 0) throw new Error(`obsctl up --host central-1 failed:\n${output}`);
}

interface Report {
  checks: { status: string; group: string; name: string; reason: string }[];
}

const ms = (x: Sample) => `median ${x.median.toFixed(0)} ms (${x.min.toFixed(0)}-${x.max.toFixed(0)}, n=${x.runs.length})`;

async function fleetGoal(mode: Mode, rounds: number): Promise<Goal> {
  const n = namesFor(mode);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `obsctl-bench-fleet-${mode}-`));
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
    writeConfig(dir, mode, n);
    const replay = path.join(dir, 'replay');
    writeReplay(replay, n);
    await upWithHosts(dir, replay, mode, n);
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
    let hostsPassed = hostCount;
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
        const hosts = report.checks.filter((c) => c.group === 'targets' && c.name.startsWith('host ') && c.status === 'pass');
        hostsPassed = Math.min(hostsPassed, hosts.length);
        checkCount = report.checks.length;
      } catch {
        hostsPassed = 0;
        failed.push(`no JSON report: ${out.slice(0, 200)}`);
      }
    };
    // Alternating which goes first, so load on the shared machine falls on both alike.
    for (let i = 0; i < rounds; i++) for (const kind of i % 2 ? (['wait', 'noWait'] as const) : (['noWait', 'wait'] as const)) timed(kind);
    const noWait = sample(times.noWait);
    const wait = sample(times.wait);
    // Judged on the slower of the two: --no-wait is the check itself, the default what a user runs.
    const value = Math.max(noWait.median, wait.median) / 1000;
    const cpuText = cpu.noWait.length ? `; CPU median ${sample(cpu.noWait).median.toFixed(0)} ms (${Math.min(...cpu.noWait)}-${Math.max(...cpu.noWait)}) --no-wait, ${sample(cpu.wait).median.toFixed(0)} ms (${Math.min(...cpu.wait)}-${Math.max(...cpu.wait)}) default` : '';
    const healthyRuns = failures === 0 && hostsPassed === hostCount;
    return {
      name: goalName[mode],
      kind: 'seconds',
      limit: 2,
      value,
      status: value <= 2 && healthyRuns ? 'PASS' : 'MISS',
      detail:
        `${mode} fleet, on central: verify --no-wait ${ms(noWait)}, default verify ${ms(wait)} = ${value.toFixed(2)} s (goal <= 2 s)${cpuText}; ` +
        `${checkCount} checks, ${hostsPassed} of ${hostCount} hosts pass in every run, ${failures} of ${2 * rounds} runs judged a check failed${failed.length ? ` (not a healthy stack: ${[...new Set(failed)].slice(0, 5).join('; ')})` : ''}; load ${loadBefore} -> ${load()}`,
      subject: noWait,
      ...(cpu.noWait.length ? { cpu: { subject: sample(cpu.noWait) } } : {}),
    };
  } catch (e) {
    return notMeasured(goalName[mode], 'seconds', 2, `the 100-host ${mode} stack failed: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
  } finally {
    // The containers first: Compose cannot remove a network a container is still on.
    for (const c of [n.agent, n.hosts]) {
      try {
        run('docker', ['rm', '-f', '-v', c]);
      } catch {
        /* never started */
      }
    }
    try {
      obsctl('down', '--volumes', '--yes');
    } catch {
      /* never up */
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

export async function fleetGoals(rounds: number, modes: Mode[] = ['pull', 'agent']): Promise<Goal[]> {
  try {
    for (const image of ['obsctl-test/prometheus:3.5', 'obsctl-test/alertmanager:0.28', 'obsctl-test/node-exporter:1', 'obsctl-test/node:22']) run('docker', ['image', 'inspect', image]);
  } catch {
    return modes.map((m) => notMeasured(goalName[m], 'seconds', 2, 'no Docker engine or no local test images (docker/build-images.sh, docker/build-node-image.sh)'));
  }
  const goals: Goal[] = [];
  for (const mode of modes) goals.push(await fleetGoal(mode, rounds));
  return goals;
}
