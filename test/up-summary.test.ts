// The end of up's report: the ssh -L line in an SSH session, where the password is, what next.
import { describe, expect, it } from 'vitest';
import { passwordWhere, sshServerAddress, upSummary } from '../src/cli/up-summary.js';

const urls = { prometheus: 'http://127.0.0.1:9090', alertmanager: 'http://127.0.0.1:9093', grafana: 'http://127.0.0.1:3000' };
const base = { urls, listen: '127.0.0.1', user: 'ada', grafanaPasswordAt: passwordWhere({ generated: true }, '.obsctl/secrets.env', 'OBSCTL_SECRET_X'), passwordShown: false };

describe("up's summary", () => {
  it('over SSH: one ssh -L line for every UI, to the address the session came in on', () => {
    const lines = upSummary({ ...base, env: { SSH_CONNECTION: '192.168.1.20 51000 10.0.0.5 22' } });
    expect(lines).toContain('  ssh -N -L 9090:127.0.0.1:9090 -L 9093:127.0.0.1:9093 -L 3000:127.0.0.1:3000 ada@10.0.0.5');
    expect(lines).toContain('  then open http://localhost:3000');
    expect(sshServerAddress({ SSH_CONNECTION: 'fe80::1 5 fe80::2 22' })).toBe('fe80::2');
  });

  it('says where the Grafana password is stored, never the password, unless it was just shown', () => {
    const lines = upSummary({ ...base, env: {} });
    expect(lines).toEqual([
      'Grafana admin password: stored in .obsctl/secrets.env (OBSCTL_SECRET_X)',
      'next: obsctl verify   (proves the stack observes; on a new stack it waits for the first data)',
    ]);
    expect(upSummary({ ...base, env: {}, passwordShown: true }).join('\n')).not.toContain('Grafana admin password');
    expect(passwordWhere({ env: 'GF_PW' }, 'x', 'y')).toBe('from the environment variable GF_PW');
  });

  it('no tunnel line when not in an SSH session or when the UIs listen on every address', () => {
    expect(upSummary({ ...base, env: {} }).join('\n')).not.toContain('ssh');
    expect(upSummary({ ...base, listen: '0.0.0.0', env: { SSH_CONNECTION: '1.2.3.4 5 10.0.0.5 22' } }).join('\n')).not.toContain('ssh -N');
  });
});
