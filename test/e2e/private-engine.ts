// A private Docker engine for the faults e2e: a second `dockerd` with its own data root, exec root
// (and so its own containerd), pid file, socket and cgroup parent, no iptables and a default
// bridge interface of its own. Five engineers (and CI) share the machine's engine, so restarting
// that one would stop everyone's stacks; restarting this one is a real engine restart that only this test sees.
// Tests point obsctl and the docker CLI at it with DOCKER_HOST (dockerode and Compose both read it).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { waitFor } from './harness.js';

export interface PrivateEngine {
  /** unix:///tmp/faults-dockerd-…/docker.sock */
  host: string;
  dir: string;
  /** Its data root: a filesystem of its own (ext4 on a loop device), so a test can fill it. */
  dataRoot: string;
  /** Stops dockerd the way `systemctl restart docker` does (SIGTERM, containers stopped), starts it again. */
  restart(): Promise<void>;
  /** Removes everything on it, stops it, deletes its directories. */
  stop(): Promise<void>;
}

/** Why no private engine can run here, or undefined. */
export async function privateEngineUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'a private dockerd needs root';
  for (const [bin, arg] of [['dockerd', '--version'], ['mkfs.ext4', '-V'], ['losetup', '--version'], ['ip', '-V']] as const) {
    if ((await execa(bin, [arg], { reject: false })).exitCode === undefined) return `no ${bin} to start a private engine with`;
  }
  if (!fs.existsSync('/dev/loop-control')) return 'no loop devices (/dev/loop-control) for the private engine\'s own filesystem';
  return undefined;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts a private engine, its data root on an ext4 filesystem of `sizeMb` of its own (a sparse file
 * on a loop device: node-exporter sees it as a real disk, and filling it fills nobody else's), and
 * loads the given images into it from the machine's engine.
 */
export async function startPrivateEngine(prefix: string, images: string[], sizeMb = 1536): Promise<PrivateEngine> {
  // A short path: a unix socket path has a limit of about 108 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  // node-exporter runs as nobody: statfs of the data root needs search permission on its parents.
  fs.chmodSync(dir, 0o755);
  const dataRoot = path.join(dir, 'data');
  const image = path.join(dir, 'data.ext4');
  fs.mkdirSync(dataRoot);
  fs.closeSync(fs.openSync(image, 'w'));
  fs.truncateSync(image, sizeMb * 1024 * 1024);
  await execa('mkfs.ext4', ['-q', '-F', image]);
  // Mounted before the engine (and so before node-exporter's rbind of /) starts.
  await execa('mount', ['-o', 'loop', image, dataRoot]);
  const host = `unix://${dir}/docker.sock`;
  const env = { ...process.env, DOCKER_HOST: host };
  const pidFile = path.join(dir, 'dockerd.pid');
  const docker = (args: string[], reject = true) => execa('docker', args, { env, reject });
  const pid = () => Number(fs.readFileSync(pidFile, 'utf8'));

  // Its default bridge is its own interface: with `--bridge=none` dockerd deletes the host's
  // `docker0` at start-up (the machine engine's default bridge, and with it host.docker.internal for
  // every later stack: the SLO e2e lost its scrape of the host's demo service that way).
  const bridge = `pe${process.pid % 100000}`;
  await execa('ip', ['link', 'del', bridge], { reject: false });
  await execa('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
  await execa('ip', ['addr', 'add', `10.254.${process.pid % 250}.1/24`, 'dev', bridge]);
  await execa('ip', ['link', 'set', bridge, 'up']);

  const start = async () => {
    const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
    const args = [
      `--data-root=${dataRoot}`, `--exec-root=${dir}/exec`, `--pidfile=${pidFile}`, `-H`, host,
      '--iptables=false', '--ip-masq=false', `--bridge=${bridge}`, `--cgroup-parent=/${path.basename(dir)}`,
    ];
    spawn('dockerd', args, { detached: true, stdio: ['ignore', log, log] }).unref();
    fs.closeSync(log);
    await waitFor(`the private engine on ${host}`, async () => (await docker(['info'], false)).exitCode === 0, 90_000, 1000);
  };
  const stopDaemon = async () => {
    if (!fs.existsSync(pidFile)) return;
    const p = pid();
    if (alive(p)) process.kill(p, 'SIGTERM');
    await waitFor('the private engine to stop', async () => !alive(p), 90_000, 500);
  };

  await start();
  await execa('sh', ['-c', `docker save ${images.join(' ')} | DOCKER_HOST=${host} docker load -q`]);
  return {
    host,
    dir,
    dataRoot,
    restart: async () => {
      await stopDaemon();
      await start();
    },
    stop: async () => {
      const ids = String((await docker(['ps', '-aq'], false)).stdout).split('\n').filter(Boolean);
      if (ids.length) await docker(['rm', '-f', '-v', ...ids], false);
      // Its bridges are kernel interfaces on this host: remove them with the engine that made them.
      await docker(['network', 'prune', '-f'], false);
      await docker(['volume', 'prune', '-f'], false);
      await stopDaemon();
      // Mounts the engine left (a crashed run) would make the removal fail; unmount the deepest first.
      const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir));
      for (const m of mounts.sort((a, b) => b.length - a.length)) await execa('umount', ['-l', m], { reject: false });
      fs.rmSync(dir, { recursive: true, force: true });
      await execa('ip', ['link', 'del', bridge], { reject: false });
    },
  };
}
