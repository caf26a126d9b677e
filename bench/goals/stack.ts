// Goals on the real Docker engine with the local test images, one fresh directory per round:
//  - `obsctl up` from nothing (render, validate, preflight, up --wait, reload) within 1.2x of plain
//    `docker compose up -d --wait` on the very same rendered files, interleaved;
//  - a no-change `obsctl up` right after, <= 1 s;
//  - `obsctl verify --no-wait` on the healthy stack, <= 1 s (the default verify waits out the
//    warm-up of a seconds-old stack by design; --no-wait is the check itself).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { bin, node, notMeasured, ratioGoal, run, sample, secondsGoal, timeMs, timeWithCpu, type Goal } from '../lib.js';

const project = `speed-bench-${process.pid}`;
// obsctl keeps passing validation checks in the user's cache (src/validate/check-cache.ts): the
// bench has its own, emptied before each first-ever `up`.
const cacheDir = path.join(os.tmpdir(), `obsctl-bench-cache-${process.pid}`);
const env = { ...process.env, NO_COLOR: '1', OBSCTL_CACHE_DIR: cacheDir };

function writeConfig(dir: string) {
  fs.writeFileSync(
    path.join(dir, 'obsctl.yaml'),
    stringify({
      name: project,
      gpu: 'nvidia',
      network: { subnet: '172.30.99.0/24' },
      ports: { prometheus: 29090, alertmanager: 29093, grafana: 23000, node_exporter: 29100 },
      images: { prometheus: 'obsctl-test/prometheus:3.5', alertmanager: 'obsctl-test/alertmanager:0.28', 'node-exporter': 'obsctl-test/node-exporter:1', 'dcgm-simulator': 'obsctl-test/node:22', pull_policy: 'never' },
      grafana: { enabled: false },
      prometheus: { scrape_interval: '2s', evaluation_interval: '2s', retention_size: '1GB' },
      verify: { webhook_port: 29096 },
    }),
  );
}

const withCpu = (goal: Goal, cpu: number[]): Goal => (cpu.length ? { ...goal, cpu: { subject: sample(cpu) }, detail: `${goal.detail}; CPU median ${sample(cpu).median.toFixed(0)} ms` } : goal);

export function stackGoals(rounds: number): Goal[] {
  const names = { up: 'up from nothing vs docker compose up -d --wait', upCold: 'up from nothing, first ever (empty validation cache)', noChange: 'no-change up', verify: 'verify --no-wait on a healthy stack' };
  try {
    run('docker', ['image', 'inspect', 'obsctl-test/prometheus:3.5']);
  } catch {
    const why = 'no Docker engine or no local test images (docker/build-images.sh)';
    return [notMeasured(names.up, 'ratio', 1.2, why), notMeasured(names.upCold, 'ratio', 1.2, why), notMeasured(names.noChange, 'seconds', 1, why), notMeasured(names.verify, 'seconds', 1, why)];
  }
  // Also when a round throws (a port in use, a failed up): the cache dir goes with the process.
  process.once('exit', () => fs.rmSync(cacheDir, { recursive: true, force: true }));
  const ups: number[] = [];
  const upsCold: number[] = [];
  const plains: number[] = [];
  const noChange: number[] = [];
  const verify: number[] = [];
  const noChangeCpu: number[] = [];
  const verifyCpu: number[] = [];
  let verifyFailed = 0;
  const failedChecks: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bench-stack-'));
    const obsctl = (...args: string[]) => run(node, [bin, ...args], { cwd: dir, env });
    const stackDir = path.join(dir, '.obsctl', 'stack');
    const compose = (...args: string[]) => run('docker', ['compose', '-p', project, '--project-directory', stackDir, '-f', path.join(stackDir, 'compose.yaml'), ...args], { env });
    writeConfig(dir);
    const withObsctl = () => {
      // First ever: no check of this stack passed before on this machine.
      fs.rmSync(cacheDir, { recursive: true, force: true });
      upsCold.push(timeMs(() => obsctl('up', '--simulate-gpu')));
      const same = timeWithCpu(() => obsctl('up', '--simulate-gpu'));
      noChange.push(same.wall);
      if (same.cpu !== undefined) noChangeCpu.push(same.cpu);
      // Timed whatever it judges: on a loaded machine a check may fail (exit 1); that is counted.
      const v = timeWithCpu(() => {
        try {
          obsctl('verify', '--no-wait', '--json');
        } catch (e) {
          verifyFailed++;
          // Which checks, so a failure can be told from a slow machine (its JSON report is on stdout).
          try {
            const report = JSON.parse(String((e as { stdout?: Buffer }).stdout ?? '')) as { checks: { status: string; group: string; name: string; reason: string }[] };
            failedChecks.push(...report.checks.filter((c) => c.status === 'fail').map((c) => `${c.group}/${c.name}: ${c.reason}`.slice(0, 200)));
          } catch {
            failedChecks.push(`no JSON report: ${(e as Error).message.split('\n')[0]}`);
          }
        }
      });
      verify.push(v.wall);
      if (v.cpu !== undefined) verifyCpu.push(v.cpu);
      obsctl('down', '--volumes', '--yes');
      // From nothing again (no stack, no .obsctl/), with the checks the first `up` kept: the issue's
      // "a stack validated once is not validated again".
      fs.rmSync(path.join(dir, '.obsctl'), { recursive: true, force: true });
      ups.push(timeMs(() => obsctl('up', '--simulate-gpu')));
      obsctl('down', '--volumes', '--yes');
    };
    const plain = () => {
      if (!fs.existsSync(stackDir)) obsctl('render', '--simulate-gpu');
      plains.push(timeMs(() => compose('up', '-d', '--wait', '--pull', 'never')));
      compose('down', '--volumes');
    };
    try {
      // Alternate which goes first; plain compose runs on the files obsctl rendered (or will).
      if (i % 2 === 0) {
        withObsctl();
        plain();
      } else {
        plain();
        fs.rmSync(path.join(dir, '.obsctl'), { recursive: true, force: true }); // from nothing again
        withObsctl();
      }
    } finally {
      try {
        obsctl('down', '--volumes', '--yes');
      } catch {
        /* already down */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  fs.rmSync(cacheDir, { recursive: true, force: true });
  return [
    ratioGoal(names.up, 1.2, sample(ups), sample(plains), { subject: 'obsctl up (checks passed before)', reference: 'compose up --wait' }),
    ratioGoal(names.upCold, 1.2, sample(upsCold), sample(plains), { subject: 'obsctl up (every check runs)', reference: 'compose up --wait' }),
    withCpu(secondsGoal(names.noChange, 1, sample(noChange), 'obsctl up (nothing changed)'), noChangeCpu),
    withCpu(secondsGoal(names.verify, 1, sample(verify), `obsctl verify --no-wait (${verifyFailed} of ${verify.length} runs judged a check failed${failedChecks.length ? `: ${[...new Set(failedChecks)].join('; ')}` : ''})`), verifyCpu),
  ];
}
