// `obsctl watch` flags end to end in-process: bad input is a usage error (exit 2) with a hint;
// --json/--until/--timeout against a remote stack that is not there (real refused connections).
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

// A port that was free a moment ago: nothing listens there, connections are refused.
const closed = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as net.AddressInfo;
    s.close(() => resolve(port));
  });
});
const nowhere = ['--prometheus', `http://127.0.0.1:${closed}`, '--alertmanager', `http://127.0.0.1:${closed}/`];

describe('obsctl watch flags', () => {
  it('rejects an unknown --until event, a bad duration, and --no-token off loopback (exit 2)', async () => {
    const until = await runCli(['watch', '--until', 'target_gone', ...nowhere]);
    expect(until.code).toBe(2);
    expect(until.stderr).toContain('--until target_gone: unknown event "target_gone"');
    expect(until.stderr).toContain('hint: Use one of: snapshot, service_health_changed,');
    expect((await runCli(['watch', '--interval', 'soon', ...nowhere])).stderr).toContain('--interval soon is not a duration');
    const open = await runCli(['watch', '--serve', '0.0.0.0:9900', '--no-token', ...nowhere]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('--no-token is only allowed on a loopback address, not 0.0.0.0');
  });

  it('--json: a snapshot, then stale for each unreachable source; --timeout ends it (exit 0)', async () => {
    const r = await runCli(['watch', '--json', '--timeout', '1s', ...nowhere]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; type: string; source: string; evidence: Record<string, unknown> });
    expect(events.map((e) => [e.id, e.type, e.source])).toEqual([
      [1, 'snapshot', 'watch'],
      [2, 'stale', 'prometheus'],
      [3, 'stale', 'alertmanager'],
    ]);
    expect(events[1]!.evidence).toEqual({ error: 'ECONNREFUSED', retryInMs: 1000 });
  });

  it('--until that never comes, with --timeout: exit 1 and says what it waited for', async () => {
    const r = await runCli(['watch', '--until', 'alert_firing:Watchdog', '--timeout', '500ms', ...nowhere]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('timed out after 0.5 s waiting for alert_firing:Watchdog');
    expect(r.stdout).toMatch(/ snapshot 0 services, 0\/0 targets up/); // not a terminal: one line per event
  });
});
