// Host ports for e2e stacks. A port taken with listen(0) and released lies in the kernel's
// ephemeral range, where every outgoing connection on this machine (fetches, the docker CLI, the
// other engineers' and CI's test runs) also gets its local port: by the time Docker or a test
// server binds it, it can be taken ("address already in use"), and a port "nobody serves" can be
// served. So a port here is below the ephemeral range, free on every address when picked, and
// reserved across processes (a file in os.tmpdir() naming this pid) until this process exits.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const reservations = path.join(os.tmpdir(), 'obsctl-e2e-ports');
const ours: string[] = [];
process.once('exit', () => {
  for (const f of ours) fs.rmSync(f, { force: true });
});
let swept = false;

/** Ports from 20000 up to just below the ephemeral range (32768 on Linux unless configured). */
function range(): [number, number] {
  const text = fs.existsSync('/proc/sys/net/ipv4/ip_local_port_range') ? fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8') : '';
  const low = Number(text.trim().split(/\s+/)[0]) || 32768;
  return [20000, Math.max(20000 + 1000, low) - 1];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes the reservations of processes that are gone (vitest ends its workers without their exit handlers). */
function sweep(): void {
  for (const name of fs.readdirSync(reservations)) {
    const file = path.join(reservations, name);
    const holder = Number(fs.readFileSync(file, { encoding: 'utf8', flag: 'r' }).trim() || NaN);
    if (Number.isInteger(holder) && !alive(holder)) fs.rmSync(file, { force: true });
  }
}

/** Takes the port's reservation file, or says why not (held by a live process; a dead one's is removed). */
function reserve(port: number): boolean {
  fs.mkdirSync(reservations, { recursive: true });
  if (!swept) {
    swept = true;
    try {
      sweep();
    } catch {
      // Another process sweeping at the same time removed a file under this one: nothing lost.
    }
  }
  const file = path.join(reservations, String(port));
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
    ours.push(file);
    return true;
  } catch {
    const holder = Number(fs.readFileSync(file, { encoding: 'utf8', flag: 'r' }).trim() || NaN);
    // Left by a run that was killed: free it for the next pick (not this one: another process may be doing the same).
    if (Number.isInteger(holder) && !alive(holder)) fs.rmSync(file, { force: true });
    return false;
  }
}

/** Whether nothing listens on the port, on any address (0.0.0.0 conflicts with every specific one). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const [low, high] = range();
  for (let i = 0; i < 500; i++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    let taken = true;
    try {
      taken = !reserve(port);
    } catch {
      // A reservation file vanished between the two reads: someone is on it; try another port.
    }
    if (taken) continue;
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${low}-${high} after 500 tries (reservations in ${reservations})`);
}
