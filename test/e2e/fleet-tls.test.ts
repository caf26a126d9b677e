// Issue 19, authenticated exporters end to end: a pull fleet with fleet.tls. `obsctl fleet-certs`
// makes the fleet CA and host certificates; the node's real node-exporter serves HTTPS through its
// exporter-toolkit web config (client certificate required, basic auth); central's real Prometheus
// scrapes it with the CA, its certificate and the password. A client without credentials, or with
// a certificate of another CA, is refused by the exporter itself; host certificates rotate while
// central keeps scraping: every scrape across the rotation is there and up.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCa, issueHostCert } from '../../src/fleet/certs.js';
import type { HostBundle } from '../../src/runtime/fleet-tls-store.js';
import { buildOnce, dockerUnavailable, freePort, obsctl, promQuery, skipOrFail, tempProject, testImages, waitFor } from './harness.js';

const reason = await dockerUnavailable();
if (reason) skipOrFail(reason);

const interval = 3;

interface Answer {
  status?: number;
  error?: string;
  body?: string;
  fingerprint?: string;
}

/** One HTTPS GET straight to the node's exporter, as a client other than central could try it. */
function get(url: string, opts: { ca: string; cert?: string; key?: string; auth?: string }): Promise<Answer> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca: opts.ca, cert: opts.cert, key: opts.key, headers: opts.auth ? { authorization: `Basic ${Buffer.from(opts.auth).toString('base64')}` } : {}, timeout: 10_000 }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, fingerprint }));
    });
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

describe.skipIf(Boolean(reason))('a TLS pull fleet: exporters with client certificates and basic auth, rotation without a gap', () => {
  const stack = `tls-pull${process.pid % 10000}`;
  const base = 190 + (process.pid % 20) * 3; // subnets 172.28.<base..base+2>.0/24 (fleet-agent uses 172.28.10-189)
  const subnet = (i: number) => `172.28.${base + i}`;
  const dirs: Record<string, string> = {};
  let prom = '';
  let exporter = '';
  const lan = `${stack}-lan`;
  const bundle = (host: string) => JSON.parse(fs.readFileSync(path.join(dirs['central-1']!, '.obsctl', 'fleet-hosts', `${host}.json`), 'utf8')) as HostBundle;
  /** What an operator does: fleet-certs on central (the CA stays there), then copy the node's own bundle to it. */
  const certs = async (args: string[] = []) => {
    const r = await obsctl(dirs['central-1']!, ['fleet-certs', '--json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    const src = path.join(dirs['central-1']!, '.obsctl', 'fleet-hosts', 'spark-a.json');
    expect(fs.statSync(src).mode & 0o777).toBe(0o600);
    const caKey = (JSON.parse(fs.readFileSync(path.join(dirs['central-1']!, '.obsctl', 'fleet-ca.json'), 'utf8')) as { ca: { key: string } }).ca.key;
    expect(fs.readFileSync(src, 'utf8')).not.toContain(caKey.split('\n')[1]); // the CA's private key stays on central
    fs.mkdirSync(path.join(dirs['spark-a']!, '.obsctl', 'fleet-hosts'), { recursive: true, mode: 0o700 });
    fs.copyFileSync(src, path.join(dirs['spark-a']!, '.obsctl', 'fleet-hosts', 'spark-a.json'));
  };
  /** Central's client credentials (what it scrapes with), from its own bundle. */
  const centralClient = () => {
    const c = bundle('central-1');
    return { ca: c.ca, cert: c.cert, key: c.key, auth: `${c.username}:${c.password}` };
  };
  const up = async (host: string) => {
    const r = await obsctl(dirs[host]!, ['up', '--host', host, '--json']);
    expect(r.code, `${host}: ${r.stdout}\n${r.stderr}`).toBe(0);
  };

  beforeAll(async () => {
    await buildOnce();
    const ports = { prometheus: await freePort(), alertmanager: await freePort(), webhook: await freePort(), node: await freePort() };
    prom = `http://127.0.0.1:${ports.prometheus}`;
    exporter = `https://${subnet(1)}.1:${ports.node}/metrics`;
    const config = {
      name: stack,
      images: { ...testImages, pull_policy: 'never' },
      grafana: { enabled: false },
      ports: { prometheus: ports.prometheus, alertmanager: ports.alertmanager, grafana: 3000 },
      verify: { webhook_port: ports.webhook },
      prometheus: { scrape_interval: `${interval}s`, evaluation_interval: `${interval}s`, retention_size: '1GB' },
      fleet: { mode: 'pull', tls: true },
      hosts: [
        { name: 'central-1', role: 'central', address: `${subnet(0)}.1`, network_subnet: `${subnet(0)}.0/24`, ports: { node_exporter: await freePort() } },
        // A CPU node has no service on its own bridge (node-exporter is on the host network), so
        // its address is on a network the test makes, standing in for the node's LAN interface.
        { name: 'spark-a', address: `${subnet(1)}.1`, network_subnet: `${subnet(2)}.0/24`, gpu: 'none', ports: { node_exporter: ports.node } },
      ],
    };
    await execa('docker', ['network', 'create', '--subnet', `${subnet(1)}.0/24`, '--label', `com.docker.compose.project=${stack}-lan`, lan]);
    for (const h of ['central-1', 'spark-a']) {
      dirs[h] = tempProject(`ftls-${h}`);
      fs.writeFileSync(path.join(dirs[h], 'obsctl.yaml'), stringify(config));
    }
  });

  afterAll(async () => {
    for (const [host, dir] of Object.entries(dirs)) await obsctl(dir, ['down', '--host', host, '--volumes', '--yes']);
    await execa('docker', ['network', 'rm', lan], { reject: false });
  });

  it('without certificates up says what to run; with them central scrapes the node over TLS and verify says so', async () => {
    const refused = await obsctl(dirs['spark-a']!, ['up', '--host', 'spark-a', '--json']);
    expect(refused.code).toBe(2);
    expect(refused.stdout + refused.stderr).toMatch(/obsctl fleet-certs/);
    await certs();
    await up('spark-a');
    await up('central-1');
    await waitFor('central to scrape spark-a over TLS', async (saw) => {
      const targets = (await (await fetch(`${prom}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] } };
      saw(targets.data.activeTargets.filter((t) => t.labels.host === 'spark-a').map((t) => ({ job: t.labels.job, health: t.health, lastError: t.lastError })));
      return (await promQuery(prom, 'up{job="node-exporter",host="spark-a"} == 1')).length === 1;
    }, 90_000, 2000);
    const targets = (await (await fetch(`${prom}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: { labels: Record<string, string>; scrapeUrl: string }[] } };
    expect(targets.data.activeTargets.find((t) => t.labels.host === 'spark-a')?.scrapeUrl).toBe(exporter);
    const check = await waitFor('verify to pass spark-a', async (saw) => {
      const v = await obsctl(dirs['central-1']!, ['verify', '--host', 'central-1', '--json', '--no-wait']);
      const checks = (v.json() as { checks: { name: string; status: string; reason: string }[] }).checks;
      saw(checks.filter((c) => c.status !== 'pass'));
      return checks.find((c) => c.name === 'host spark-a' && c.status === 'pass');
    }, 60_000, 5000);
    expect(check.reason).toMatch(/TLS with client certificate and basic auth/);
  }, 480_000); // three ups, then 90 s + 60 s of waits

  it('the exporter refuses a client without credentials or with another CA; central\'s credentials get the metrics', async () => {
    const central = centralClient();
    const { ca, auth } = central;
    const other = issueCa('someone-else', new Date());
    const stranger = issueHostCert(other, { name: 'central-1', address: `${subnet(0)}.1` }, new Date());
    const answers = {
      noClientCert: await get(exporter, { ca, auth }),
      noPassword: await get(exporter, { ca, cert: central.cert, key: central.key }),
      wrongPassword: await get(exporter, { ...central, auth: 'obsctl-central:guess' }),
      otherCa: await get(exporter, { ca, ...stranger, auth }),
      // The node's own credentials are no way in either: its exporters accept central's user only.
      nodeItself: await get(exporter, { ca, cert: bundle('spark-a').cert, key: bundle('spark-a').key, auth: `spark-a:${bundle('spark-a').password}` }),
      central: await get(exporter, central),
    };
    console.log('fleet tls: answers', JSON.stringify(Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.status ?? v.error]))));
    expect(answers.noClientCert.status).toBeUndefined(); // the TLS handshake itself fails
    expect(answers.otherCa.status).toBeUndefined();
    expect(answers.noPassword.status).toBe(401);
    expect(answers.wrongPassword.status).toBe(401);
    expect(answers.nodeItself.status).toBe(401);
    expect(answers.central.status).toBe(200);
    expect(answers.central.body).toContain('node_cpu_seconds_total');
    // Plain HTTP is no way around it either.
    const plain = await fetch(exporter.replace('https:', 'http:')).then((r) => r.status, () => 0);
    expect(plain).not.toBe(200);
  });

  it('the CA rotates, then the certificates move to it, while central keeps scraping: every scrape across both is there and up', async () => {
    const caOf = (pem: string) => new X509Certificate(pem).issuer;
    const before = (await get(exporter, centralClient())).fingerprint;
    const oldIssuer = caOf(bundle('spark-a').cert);
    const from = Date.now() / 1000 - 2 * interval;
    // Step 1: a new CA, trusted everywhere beside the old one; the certificates stay.
    await certs(['--rotate-ca']);
    expect(bundle('spark-a').ca.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    await up('spark-a');
    await up('central-1');
    // Step 2: every host's certificate re-issued under the new CA; nodes first, then central.
    await certs(['--rotate']);
    await up('spark-a');
    await up('central-1');
    const after = await waitFor('the exporter to serve a certificate of the new CA', async (saw) => {
      const a = saw(await get(exporter, centralClient()));
      return a.status === 200 && a.fingerprint !== before && a.fingerprint;
    }, 60_000, 2000);
    expect(after).not.toBe(before);
    const newCa = (JSON.parse(fs.readFileSync(path.join(dirs['central-1']!, '.obsctl', 'fleet-ca.json'), 'utf8')) as { ca: { cert: string } }).ca.cert;
    expect(new X509Certificate(bundle('spark-a').cert).verify(new X509Certificate(newCa).publicKey)).toBe(true);
    expect(caOf(bundle('spark-a').cert)).not.toEqual(oldIssuer);
    await new Promise((res) => setTimeout(res, 4 * interval * 1000));
    const to = Date.now() / 1000;
    // A scrape that began just before `to` is stored when it ends: give it one interval to land.
    await new Promise((res) => setTimeout(res, interval * 1000));
    const q = `up{job="node-exporter",host="spark-a"}[${Math.ceil(to - from)}s]`;
    const m = (await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}&time=${to}`)).json()) as { data: { result: { values: [number, string][] }[] } };
    const values = m.data.result[0]?.values ?? [];
    const gaps = values.slice(1).map(([t], i) => t - values[i]![0]);
    console.log(`fleet tls: CA rotation then certificate rotation: ${values.length} scrapes over ${Math.round(to - from)} s (one per ${interval} s), ${values.filter(([, v]) => v !== '1').length} failed, largest gap ${Math.max(0, ...gaps).toFixed(2)} s`);
    expect(values.length).toBeGreaterThanOrEqual(Math.floor((to - from) / interval) - 1);
    expect(values.filter(([, v]) => v !== '1')).toEqual([]);
    expect(Math.max(0, ...gaps)).toBeLessThanOrEqual(1.5 * interval);
  }, 600_000); // four ups and six certificate runs, then a 60 s wait
});
