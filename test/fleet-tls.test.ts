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
import { readFleetTls } from '../src/runtime/fleet-tls-store.js';
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

describe('fleet-certs', () => {
  it('a CA and one certificate per host, for its name and address, in a 0600 file; idempotent; --rotate keeps the CA', () => {
    const l = loaded();
    const first = fleetCerts(l, { rotate: false, rotateCa: false });
    expect(first.caCreated).toBe(true);
    expect(first.issued.map((i) => i.host)).toEqual(['central-1', 'spark-a']);
    expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);
    const tls = readFleetTls(first.file)!;
    const ca = new X509Certificate(tls.ca.cert);
    const host = new X509Certificate(tls.hosts['spark-a']!.cert);
    expect(ca.ca).toBe(true);
    expect(host.verify(ca.publicKey)).toBe(true);
    expect(host.checkIP('10.0.0.11')).toBe('10.0.0.11');
    expect(host.checkHost('spark-a')).toBe('spark-a');
    expect(bcrypt.compareSync(tls.password, tls.passwordHash)).toBe(true);

    expect(fleetCerts(l, { rotate: false, rotateCa: false }).issued).toEqual([]);
    const rotated = fleetCerts(l, { rotate: true, rotateCa: false });
    const after = readFleetTls(rotated.file)!;
    expect(after.ca.cert).toBe(tls.ca.cert);
    expect(after.hosts['spark-a']!.cert).not.toBe(tls.hosts['spark-a']!.cert);
    expect(after.password).toBe(tls.password);

    fleetCerts(l, { rotate: true, rotateCa: true });
    const newCa = readFleetTls(rotated.file)!;
    expect(newCa.ca.cert).not.toBe(tls.ca.cert);
    expect(newCa.trusted).toEqual([newCa.ca.cert, tls.ca.cert]); // the old CA stays trusted for one rotation
  }, 120_000); // RSA keys and bcrypt: seconds on a loaded 2-core machine
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
    expect(() => resolveSecrets(secrets, { get: () => undefined, set: () => {}, save: () => {} } as never, {}, l.dir)).toThrow(/not in .*fleet-tls\.json/);
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
