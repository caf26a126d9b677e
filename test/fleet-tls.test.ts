// fleet.tls (issue 19): the certificates `obsctl fleet-certs` issues and what a TLS pull fleet
// renders. test/e2e/fleet-tls.test.ts runs it against the real node-exporter and Prometheus.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fleetCerts } from '../src/app/fleet-certs.js';
import { configSchema, type ConfigInput } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';
import { rules as configRules } from '../src/config/rules.js';
import { issueCa, issueHostCert } from '../src/fleet/certs.js';
import { fleetSecretValue, hostBundlePath, legacyFleetTlsPath, readFleetCa, readHostBundle } from '../src/runtime/fleet-tls-store.js';
import { resolveSecrets } from '../src/runtime/secrets-store.js';

const input: ConfigInput = {
  name: 'lab',
  fleet: { mode: 'pull', tls: true },
  hosts: [
    { name: 'central-1', role: 'central', address: '10.0.0.10' },
    { name: 'spark-a', address: '10.0.0.11', gpu: 'gb10' },
  ],
};
const config = configSchema.parse(input);
const loaded = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-fleet-tls-'));
  return { dir, config, file: path.join(dir, 'obsctl.yaml') } as never as Parameters<typeof fleetCerts>[0] & { dir: string };
};

const bundleOf = (dir: string, host: string) => readHostBundle(dir, host)!;
const noCaKey = (dir: string, host: string, caKey: string) => !fs.readFileSync(hostBundlePath(dir, host), 'utf8').includes(caKey.split('\n')[1]!);

describe('fleet-certs', () => {
  it('the CA stays in fleet-ca.json; each host gets its own 0600 bundle without the CA key; idempotent; --rotate keeps the CA', () => {
    const l = loaded();
    const first = fleetCerts(l, { rotate: false, rotateCa: false });
    expect(first.caCreated).toBe(true);
    expect(first.issued.map((i) => i.host)).toEqual(['central-1', 'spark-a']);
    expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);
    const store = readFleetCa(l.dir)!;
    const ca = new X509Certificate(store.ca.cert);
    const node = bundleOf(l.dir, 'spark-a');
    const central = bundleOf(l.dir, 'central-1');
    for (const b of first.bundles) expect(fs.statSync(b.file).mode & 0o777).toBe(0o600);
    expect(noCaKey(l.dir, 'spark-a', store.ca.key) && noCaKey(l.dir, 'central-1', store.ca.key)).toBe(true);
    expect(Object.keys(node).sort()).toEqual(['ca', 'cert', 'host', 'key', 'password', 'username', 'version', 'webUsers']);
    const host = new X509Certificate(node.cert);
    expect(ca.ca).toBe(true);
    expect(host.verify(ca.publicKey)).toBe(true);
    expect(host.checkIP('10.0.0.11')).toBe('10.0.0.11');
    expect(host.checkHost('spark-a')).toBe('spark-a');
    // Pull: the node's exporters accept central's user; agent: central's receiver accepts the node's.
    expect(central.username).toBe('obsctl-central');
    expect(bcrypt.compareSync(central.password, node.webUsers['obsctl-central']!)).toBe(true);
    expect(node.username).toBe('spark-a');
    expect(bcrypt.compareSync(node.password, central.webUsers['spark-a']!)).toBe(true);
    expect(node.password).not.toBe(central.password);

    expect(fleetCerts(l, { rotate: false, rotateCa: false }).issued).toEqual([]);
    fleetCerts(l, { rotate: true, rotateCa: false });
    const after = bundleOf(l.dir, 'spark-a');
    expect(readFleetCa(l.dir)!.ca.cert).toBe(store.ca.cert);
    expect(after.cert).not.toBe(node.cert);
    expect(after.password).toBe(node.password);
  }, 120_000); // RSA keys and bcrypt: seconds on a loaded 2-core machine

  it('--rotate-ca trusts old and new CA and keeps the certificates; the next --rotate signs them with the new CA', () => {
    const l = loaded();
    fleetCerts(l, { rotate: false, rotateCa: false });
    const before = readFleetCa(l.dir)!;
    const r = fleetCerts(l, { rotate: false, rotateCa: true });
    expect(r.caCreated).toBe(true);
    expect(r.issued).toEqual([]);
    const mid = readFleetCa(l.dir)!;
    expect(mid.trusted).toEqual([mid.ca.cert, before.ca.cert]);
    expect(bundleOf(l.dir, 'spark-a').ca).toBe(mid.ca.cert + before.ca.cert);
    expect(bundleOf(l.dir, 'spark-a').cert).toBe(before.hosts['spark-a']!.cert);
    fleetCerts(l, { rotate: true, rotateCa: false });
    const moved = new X509Certificate(bundleOf(l.dir, 'spark-a').cert);
    expect(moved.verify(new X509Certificate(mid.ca.cert).publicKey)).toBe(true);
    expect(readFleetCa(l.dir)!.trusted).toEqual(mid.trusted);
  }, 120_000);

  it('migrates the old fleet-tls.json (CA key on every host): same CA, certificates and scrape password; the old file goes', () => {
    const l = loaded();
    const ca = issueCa('lab', new Date());
    const pair = issueHostCert(ca, { name: 'spark-a', address: '10.0.0.11' }, new Date());
    const centralPair = issueHostCert(ca, { name: 'central-1', address: '10.0.0.10' }, new Date());
    const legacy = { version: 1, ca, trusted: [ca.cert], hosts: { 'spark-a': pair, 'central-1': centralPair }, username: 'obsctl-central', password: 'old-secret', passwordHash: bcrypt.hashSync('old-secret', 4) };
    fs.mkdirSync(path.join(l.dir, '.obsctl'), { mode: 0o700 });
    fs.writeFileSync(legacyFleetTlsPath(l.dir), JSON.stringify(legacy), { mode: 0o600 });
    // up on a host with only the old file: what to do, not a crash.
    expect(() => fleetSecretValue(l.dir, 'cert', 'spark-a')).toThrow(/old fleet TLS file.*CA's private key/);
    const r = fleetCerts(l, { rotate: false, rotateCa: false });
    expect(r.migratedFrom).toBe(legacyFleetTlsPath(l.dir));
    expect(r.caCreated).toBe(false);
    expect(r.issued).toEqual([]);
    expect(fs.existsSync(legacyFleetTlsPath(l.dir))).toBe(false);
    expect(readFleetCa(l.dir)!.ca).toEqual(ca);
    expect(bundleOf(l.dir, 'spark-a').cert).toBe(pair.cert);
    expect(bundleOf(l.dir, 'central-1').password).toBe('old-secret');
    expect(bundleOf(l.dir, 'spark-a').webUsers['obsctl-central']).toBe(legacy.passwordHash);
  }, 120_000);
});

describe('a TLS pull fleet renders', () => {
  const host = (name: string, profile: 'none' | 'gb10') => render(config, { profile, host: name }, loadContent());
  it('exporters with exporter-toolkit web config from file secrets; central scrapes https with CA, certificate and password', () => {
    const node = host('spark-a', 'gb10');
    const compose = parse(node.files.find((f) => f.path === 'compose.yaml')!.content) as { services: Record<string, { command?: string[]; environment?: Record<string, string> }>; secrets: Record<string, unknown> };
    expect(compose.services['node-exporter']!.command).toContain('--web.config.file=/run/secrets/fleet_tls_web_config');
    expect(compose.services['dcgm-exporter']!.environment!.DCGM_EXPORTER_WEB_CONFIG_FILE).toBe('/run/secrets/fleet_tls_web_config');
    expect(compose.secrets.fleet_tls_key).toEqual({ file: '../fleet-tls/fleet_tls_key' });
    const central = host('central-1', 'none');
    const prom = parse(central.files.find((f) => f.path === 'prometheus/prometheus.yml')!.content) as { scrape_configs: Record<string, unknown>[] };
    const job = prom.scrape_configs.find((j) => j.job_name === 'node-exporter')!;
    expect(job.tls_config).toEqual({ ca_file: '/run/secrets/fleet_tls_ca', cert_file: '/run/secrets/fleet_tls_cert', key_file: '/run/secrets/fleet_tls_key' });
    expect(job.basic_auth).toEqual({ username: 'obsctl-central', password_file: '/run/secrets/fleet_tls_password' });
    expect(JSON.parse(central.files.find((f) => f.path === 'prometheus/file_sd/node-exporter.json')!.content)[0].labels.__scheme__).toBe('https');
    expect(central.manifest.secrets.filter((s) => s.source === 'fleet').map((s) => s.name)).toEqual(['fleet_tls_cert', 'fleet_tls_key', 'fleet_tls_ca', 'fleet_tls_password']);
  });

  it('up writes the secret files (0644 in a 0700 directory, for the containers\' non-root users) and says what to run without a CA', () => {
    const l = loaded();
    const secrets = host('spark-a', 'none').secrets;
    expect(() => resolveSecrets(secrets, { get: () => undefined, set: () => {}, save: () => {} } as never, {}, l.dir)).toThrow(/not in .*fleet-hosts\/spark-a\.json/);
    fleetCerts(l, { rotate: false, rotateCa: false });
    resolveSecrets(secrets, { get: () => undefined, set: () => {}, save: () => {} } as never, {}, l.dir);
    const dir = path.join(l.dir, '.obsctl', 'fleet-tls');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'fleet_tls_key')).mode & 0o777).toBe(0o644);
    const web = parse(fs.readFileSync(path.join(dir, 'fleet_tls_web_config'), 'utf8')) as { tls_server_config: { client_auth_type: string }; basic_auth_users: Record<string, string> };
    expect(web.tls_server_config.client_auth_type).toBe('RequireAndVerifyClientCert');
    expect(Object.keys(web.basic_auth_users)).toEqual(['obsctl-central']);
  }, 60_000);
});

describe('an agent fleet with fleet.tls renders', () => {
  const agentConfig = configSchema.parse({ ...input, fleet: { mode: 'agent', tls: true } });
  const host = (name: string) => render(agentConfig, { profile: 'none', host: name }, loadContent());
  type Compose = { services: Record<string, { command?: string[]; ports?: string[]; secrets?: string[]; volumes?: string[] }>; secrets: Record<string, unknown> };
  it('agents remote-write over https with the CA, their certificate and their own user; central takes it through a TLS receiver only', () => {
    const node = host('spark-a');
    const agent = parse(node.files.find((f) => f.path === 'prometheus/prometheus.yml')!.content) as { remote_write: Record<string, unknown>[] };
    expect(agent.remote_write[0]).toMatchObject({
      url: 'https://10.0.0.10:9090/api/v1/write',
      tls_config: { ca_file: '/run/secrets/fleet_tls_ca', cert_file: '/run/secrets/fleet_tls_cert', key_file: '/run/secrets/fleet_tls_key' },
      basic_auth: { username: 'spark-a', password_file: '/run/secrets/fleet_tls_password' },
    });
    const nodeCompose = parse(node.files.find((f) => f.path === 'compose.yaml')!.content) as Compose;
    expect(nodeCompose.services.prometheus!.secrets).toEqual(['fleet_tls_cert', 'fleet_tls_key', 'fleet_tls_ca', 'fleet_tls_password']);
    // The exporters are on the node's private bridge only: no TLS needed there.
    expect(nodeCompose.services['node-exporter']!.command!.join(' ')).not.toContain('web.config');

    const central = host('central-1');
    const compose = parse(central.files.find((f) => f.path === 'compose.yaml')!.content) as Compose;
    const receiver = compose.services['prometheus-receiver']!;
    expect(receiver.command).toEqual(expect.arrayContaining(['--agent', '--web.enable-remote-write-receiver', '--web.config.file=/run/secrets/fleet_tls_web_config']));
    expect(receiver.ports).toEqual(['10.0.0.10:9090:9090']);
    expect(receiver.secrets).toEqual(['fleet_tls_cert', 'fleet_tls_key', 'fleet_tls_ca', 'fleet_tls_web_config']);
    // Central's own Prometheus: receiver on for the relay, published on `listen` only.
    expect(compose.services.prometheus!.ports).toEqual(['127.0.0.1:9090:9090']);
    const relay = parse(central.files.find((f) => f.path === 'prometheus-receiver/prometheus.yml')!.content) as { remote_write: { url: string }[] };
    expect(relay.remote_write[0]!.url).toBe('http://prometheus:9090/api/v1/write');
    expect(central.manifest.agents).toEqual([expect.objectContaining({ host: 'spark-a', tls: true })]);
  });

  it('a UI published on every address needs its own receiver port', () => {
    const r = configSchema.safeParse({ ...input, listen: '0.0.0.0', fleet: { mode: 'agent', tls: true } });
    expect(r.success).toBe(true);
    const issues = configRules.flatMap((rule) => rule(configSchema.parse({ ...input, listen: '0.0.0.0', fleet: { mode: 'agent', tls: true } }), {}));
    expect(issues.map((i) => i.message).join('\n')).toMatch(/TLS remote-write receiver would take port 9090/);
    const ok = configRules.flatMap((rule) => rule(configSchema.parse({ ...input, listen: '0.0.0.0', fleet: { mode: 'agent', tls: true, receiver_port: 9443 } }), {}));
    expect(ok.filter((i) => i.message.includes('receiver'))).toEqual([]);
  });
});
