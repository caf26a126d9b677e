// verify's Grafana checks against the recorded Grafana API (responses transcribed from Grafana's
// docs and source in test/fixtures/grafana, served by a local fake; no live Grafana ran here).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grafanaChecks } from '../src/verify/checks/grafana.js';
import type { ExpectedStack } from '../src/verify/expected.js';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'grafana', `${name}.json`), 'utf8')) as { response: { status: number; body: unknown } };

let server: http.Server;
let base = '';
let dsFixture = 'ds-health-ok';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const name = req.url === '/api/datasources/uid/obsctl-prometheus/health' ? dsFixture : req.url === '/api/dashboards/uid/obsctl-overview' ? 'dashboard-get' : 'dashboard-not-found';
    const { status, body } = fixture(name).response;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const expected = (uids: string[]): ExpectedStack => ({
  project: 'p',
  profile: 'none',
  jobs: [],
  ruleGroups: [],
  dashboards: uids.map((uid) => ({ uid, title: uid, queries: [] })),
  grafana: true,
  maxSeriesPerJob: 1,
  inventory: [],
});

describe('verify: Grafana (recorded API)', () => {
  it('passes with a healthy datasource and every dashboard provisioned', async () => {
    dsFixture = 'ds-health-ok';
    const checks = await grafanaChecks(base, expected(['obsctl-overview']), { user: 'admin', password: 'x' });
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['datasource Prometheus', 'pass'],
      ['dashboard obsctl-overview', 'pass'],
    ]);
  });
  it('names an unhealthy datasource and a missing dashboard', async () => {
    dsFixture = 'ds-health-error';
    const checks = await grafanaChecks(base, expected(['obsctl-overview', 'obsctl-gpu']), { user: 'admin', password: 'x' });
    expect(checks.find((c) => c.name === 'datasource Prometheus')?.status).toBe('fail');
    expect(checks.find((c) => c.name === 'dashboard obsctl-gpu')).toMatchObject({ status: 'fail', reason: 'not provisioned' });
  });
  it('skips when Grafana is disabled or no password is known', async () => {
    expect((await grafanaChecks(undefined, expected([]), { user: 'admin' }))[0]?.status).toBe('skip');
    expect((await grafanaChecks(base, expected([]), { user: 'admin' }))[0]?.status).toBe('skip');
  });
});
