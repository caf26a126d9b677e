// verify's rules group: rendered groups are checked by name and file; a group Prometheus loaded
// that obsctl did not render (a rule file dropped into rules/ by hand) fails when its rules do.
// Served on 127.0.0.1 in the shape of Prometheus 3.5's /api/v1/rules answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleChecks } from '../src/verify/checks/rules.js';
import type { ExpectedStack } from '../src/verify/expected.js';

const groups = [
  { name: 'host-node', file: '/etc/prometheus/rules/host-node.rules.yml', lastEvaluation: '2026-12-01T22:00:00Z', rules: [{ name: 'HostDown', health: 'ok', type: 'alerting' }] },
  {
    name: 'broken-eval',
    file: '/etc/prometheus/rules/zz-broken.rules.yml',
    lastEvaluation: '2026-12-01T22:00:00Z',
    rules: [{ name: 'broken:cpu', health: 'err', lastError: 'found duplicate series for the match group {instance="a"} on the right hand-side of the operation: many-to-many matching not allowed', type: 'recording' }],
  },
  // Right after a reload that changed the group: the old group's lastEvaluation, rules not evaluated yet.
  { name: 'reloaded', file: '/etc/prometheus/rules/host-filesystem.rules.yml', lastEvaluation: '2026-12-01T22:00:00Z', rules: [{ name: 'HostDiskFull', health: 'unknown', type: 'alerting' }, { name: 'HostDiskFull', health: 'unknown', type: 'alerting' }] },
  { name: 'extra-ok', file: '/etc/prometheus/rules/extra.rules.yml', lastEvaluation: '2026-12-01T22:00:00Z', rules: [{ name: 'fine', health: 'ok', type: 'recording' }] },
];
let server: http.Server;
let url = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/v1/rules') res.end(JSON.stringify({ status: 'success', data: { groups } }));
    else res.end(JSON.stringify({ status: 'success', data: { alerts: [] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('rules checks', () => {
  it('passes rendered groups, fails a hand-added broken group naming rule and error, ignores healthy extras', async () => {
    const expected = { ruleGroups: [{ file: 'host-node.rules.yml', name: 'host-node' }] } as unknown as ExpectedStack;
    const checks = await ruleChecks(url, expected);
    expect(checks.find((c) => c.name === 'group host-node')?.status).toBe('pass');
    const broken = checks.find((c) => c.name === 'group broken-eval');
    expect(broken?.status).toBe('fail');
    expect(broken?.reason).toMatch(/broken:cpu.*many-to-many.*not rendered by obsctl/);
    expect(checks.some((c) => c.name === 'group extra-ok')).toBe(false);
  });

  it('judges a group whose rules are not evaluated since a reload as waiting for an evaluation, not broken', async () => {
    const expected = { ruleGroups: [{ file: 'host-filesystem.rules.yml', name: 'reloaded' }] } as unknown as ExpectedStack;
    const check = (await ruleChecks(url, expected)).find((c) => c.name === 'group reloaded');
    expect(check?.status).toBe('fail');
    expect(check?.reason).toBe('loaded but not evaluated since Prometheus last loaded its config (2 rules unknown)');
    expect(check?.needs).toEqual({ evaluation: true });
  });
});
