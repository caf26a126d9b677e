// Broken obsctl.yaml files: every one must give a located error (line, key path, what was
// expected and found), exit code 2, and leave the output directory untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { runCli } from './helpers/cli.js';

interface Case {
  name: string;
  yaml: string;
  line: number;
  path: string;
  /** Text the message must contain. */
  says: string;
}

const cases: Case[] = [
  { name: 'tab indentation', yaml: 'name: a\nports:\n\tgrafana: 3000\n', line: 3, path: '', says: 'YAML syntax' },
  { name: 'unclosed flow list', yaml: 'targets: [\n  {name: a\n', line: 2, path: '', says: 'never closed' },
  { name: 'duplicate key', yaml: 'name: a\nname: b\n', line: 2, path: '', says: 'appears twice' },
  { name: 'document is a list', yaml: '- name: a\n', line: 1, path: '', says: 'expected a mapping' },
  { name: 'unknown top-level key', yaml: 'nmae: lab\n', line: 1, path: 'nmae', says: 'did you mean "name"' },
  { name: 'unknown nested key', yaml: 'ports:\n  grafna: 3001\n', line: 2, path: 'ports.grafna', says: 'did you mean "grafana"' },
  { name: 'unknown exporter key', yaml: 'exporters:\n  dcgm:\n    intervall: 5\n', line: 3, path: 'exporters.dcgm.intervall', says: 'unknown key' },
  { name: 'bad stack name', yaml: 'name: My_Lab\n', line: 1, path: 'name', says: 'found the text "My_Lab"' },
  { name: 'bad gpu profile', yaml: 'gpu: blackwell\n', line: 1, path: 'gpu', says: 'expected one of "auto", "none", "nvidia", "gb10"' },
  { name: 'port is text', yaml: 'ports:\n  grafana: web\n', line: 2, path: 'ports.grafana', says: 'expected a number, found the text "web"' },
  { name: 'port out of range', yaml: 'ports:\n  prometheus: 70000\n', line: 2, path: 'ports.prometheus', says: '<= 65535' },
  { name: 'port zero', yaml: 'ports:\n  alertmanager: 0\n', line: 2, path: 'ports.alertmanager', says: '>= 1' },
  { name: 'port clash', yaml: 'ports:\n  prometheus: 3000\n', line: 2, path: 'ports.prometheus', says: 'also used by grafana' },
  { name: 'port clash both explicit', yaml: 'ports:\n  grafana: 9000\n  alertmanager: 9000\n', line: 2, path: 'ports.grafana', says: 'also used by alertmanager' },
  { name: 'HA central port clash with its own', yaml: 'fleet:\n  central:\n    replicas: 2\n    ports:\n      prometheus_b: 9193\n', line: 5, path: 'fleet.central.ports.prometheus_b', says: 'also used by fleet.central.ports.alertmanager_b (its default port)' },
  { name: 'HA central port clash with a UI', yaml: 'ports:\n  grafana: 8428\nfleet:\n  central:\n    replicas: 2\n', line: 2, path: 'ports.grafana', says: 'also used by fleet.central.ports.store (its default port)' },
  { name: 'HA central port clash, both written', yaml: 'ports:\n  alertmanager: 9300\nfleet:\n  central:\n    replicas: 2\n    ports: {store: 9300}\n', line: 6, path: 'fleet.central.ports.store', says: 'also used by ports.alertmanager on' },
  { name: 'central host node-exporter clash', yaml: 'hosts:\n  - name: c1\n    role: central\n    address: 10.0.0.1\n    ports: {node_exporter: 9093}\n', line: 5, path: 'hosts[0].ports.node_exporter', says: 'also used by ports.alertmanager (its default port) on c1' },
  { name: 'listen not an address', yaml: 'listen: localhost\n', line: 1, path: 'listen', says: 'an IPv4 address' },
  { name: 'bad scrape interval', yaml: 'prometheus:\n  scrape_interval: 15 seconds\n', line: 2, path: 'prometheus.scrape_interval', says: 'a Prometheus duration' },
  { name: 'bad retention size', yaml: 'prometheus:\n  retention_size: 20G\n', line: 2, path: 'prometheus.retention_size', says: 'a size such as' },
  { name: 'external label name', yaml: 'prometheus:\n  external_labels:\n    site-a: x\n', line: 3, path: 'prometheus.external_labels.site-a', says: 'label name' },
  { name: 'remote_write url', yaml: 'prometheus:\n  remote_write:\n    - name: lt\n      url: mimir:9009\n', line: 4, path: 'prometheus.remote_write[0].url', says: 'an http(s):// URL' },
  { name: 'target without urls', yaml: 'targets:\n  - name: api\n', line: 2, path: 'targets[0].urls', says: 'required setting is missing' },
  { name: 'target empty urls', yaml: 'targets:\n  - name: api\n    urls: []\n', line: 3, path: 'targets[0].urls', says: 'at least 1 item' },
  { name: 'target name upper case', yaml: 'targets:\n  - name: API\n    urls: [a:1]\n', line: 2, path: 'targets[0].name', says: 'lower-case' },
  { name: 'targets not a list', yaml: 'targets:\n  name: api\n', line: 2, path: 'targets', says: 'expected a list, found a mapping' },
  { name: 'inline bearer token', yaml: 'targets:\n  - name: api\n    urls: [a:1]\n    bearer_token: s3cr3t\n', line: 4, path: 'targets[0].bearer_token', says: '{env: NAME} or {file: PATH}' },
  { name: 'inline basic auth password', yaml: 'targets:\n  - name: api\n    urls: [a:1]\n    basic_auth:\n      username: u\n      password: hunter2\n', line: 6, path: 'targets[0].basic_auth.password', says: 'never the secret itself' },
  { name: 'duplicate job name', yaml: 'targets:\n  - name: api\n    urls: [a:1]\n  - name: api\n    urls: [b:1]\n', line: 4, path: 'targets[1].name', says: 'already used at targets[0]' },
  { name: 'reserved job name', yaml: 'targets:\n  - name: prometheus\n    urls: [a:1]\n', line: 2, path: 'targets[0].name', says: 'used by the stack itself' },
  { name: 'bad scheme', yaml: 'targets:\n  - name: api\n    urls: [a:1]\n    scheme: ftp\n', line: 4, path: 'targets[0].scheme', says: 'expected one of "http", "https"' },
  { name: 'metrics path without slash', yaml: 'targets:\n  - name: api\n    urls: [a:1]\n    metrics_path: metrics\n', line: 4, path: 'targets[0].metrics_path', says: 'found the text "metrics"' },
  { name: 'receiver type typo', yaml: 'alertmanager:\n  receivers:\n    - name: ops\n      type: slak\n', line: 4, path: 'alertmanager.receivers[0].type', says: 'did you mean "slack"' },
  { name: 'slack without channel', yaml: 'alertmanager:\n  receivers:\n    - name: ops\n      type: slack\n      api_url: {env: SLACK_URL}\n', line: 3, path: 'alertmanager.receivers[0].channel', says: 'required setting is missing' },
  { name: 'route to missing receiver', yaml: 'alertmanager:\n  route:\n    receiver: pager\n', line: 3, path: 'alertmanager.route.receiver', says: 'not defined' },
  { name: 'sub-route to missing receiver', yaml: 'alertmanager:\n  receivers:\n    - {name: ops, type: webhook, url: {env: HOOK}}\n  route:\n    receiver: ops\n    routes:\n      - receiver: nobody\n        matchers: [\'severity="critical"\']\n', line: 7, path: 'alertmanager.route.routes[0].receiver', says: 'not defined' },
  { name: 'duplicate receiver', yaml: 'alertmanager:\n  receivers:\n    - {name: ops, type: webhook, url: {env: HOOK}}\n    - {name: ops, type: webhook, url: {env: HOOK}}\n', line: 4, path: 'alertmanager.receivers[1].name', says: 'appears twice' },
  { name: 'missing secret env', yaml: 'alertmanager:\n  receivers:\n    - name: ops\n      type: webhook\n      url: {env: OBSCTL_TEST_UNSET_HOOK}\n', line: 5, path: 'alertmanager.receivers[0].url', says: 'OBSCTL_TEST_UNSET_HOOK, which is not set' },
  { name: 'missing secret file', yaml: 'grafana:\n  admin_password: {file: ./no-such-password}\n', line: 2, path: 'grafana.admin_password', says: 'does not exist' },
  { name: 'pack without exporter', yaml: 'exporters:\n  node: {enabled: false}\nalerts:\n  host:\n    enabled: true\n', line: 5, path: 'alerts.host.enabled', says: 'needs node-exporter' },
  { name: 'gpu pack on cpu host', yaml: 'gpu: none\nalerts:\n  gpu:\n    enabled: true\n', line: 4, path: 'alerts.gpu.enabled', says: 'gpu is "none"' },
  { name: 'profiling on gb10', yaml: 'gpu: gb10\nexporters:\n  dcgm:\n    profiling: true\n', line: 4, path: 'exporters.dcgm.profiling', says: 'GB10' },
  { name: 'threshold wrong type', yaml: 'alerts:\n  gpu:\n    temperature_critical_celsius: hot\n', line: 3, path: 'alerts.gpu.temperature_critical_celsius', says: 'expected a number' },
  { name: 'ratio above one', yaml: 'alerts:\n  host:\n    disk_free_ratio: 10\n', line: 3, path: 'alerts.host.disk_free_ratio', says: '<= 1' },
  { name: 'bad pull policy', yaml: 'images:\n  pull_policy: sometimes\n', line: 2, path: 'images.pull_policy', says: 'expected one of' },
  { name: 'bad subnet', yaml: 'network:\n  subnet: 10.0.0.0/16\n', line: 2, path: 'network.subnet', says: 'an IPv4 /24' },
];

describe('broken obsctl.yaml', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  for (const c of cases) {
    it(`${c.name}: line ${c.line}, ${c.path || '(document)'}`, () => {
      const result = parseConfigText(c.yaml, { env: {}, fileExists: () => false, baseDir: '/nonexistent' });
      expect(result.config).toBeUndefined();
      const match = result.errors.find((e) => e.path === c.path && e.line === c.line);
      expect(match, `errors were: ${JSON.stringify(result.errors, null, 1)}`).toBeDefined();
      expect(match!.message).toContain(c.says);
    });
  }
});

describe('obsctl render with a broken config', () => {
  it('exits 2, prints file:line:col with the line and a caret, reports all problems, writes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bad-'));
    const file = path.join(dir, 'obsctl.yaml');
    fs.writeFileSync(file, 'name: lab\nports:\n  grafna: 3001\n  prometheus: web\n');
    const outDir = path.join(dir, 'out');
    const r = await runCli(['render', '-c', file, '--out', outDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/obsctl\.yaml:3:3 error at ports\.grafna: unknown key "grafna"; did you mean "grafana"\?/);
    expect(r.stderr).toMatch(/obsctl\.yaml:4:15 error at ports\.prometheus: expected a number, found the text "web"/);
    expect(r.stderr).toContain('  4 |   prometheus: web');
    expect(r.stderr).toContain('2 problems; nothing was written');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(fs.existsSync(outDir)).toBe(false);
  });

  it('keeps an existing rendered stack untouched when the new config is invalid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-bad-'));
    const file = path.join(dir, 'obsctl.yaml');
    const outDir = path.join(dir, 'out');
    fs.writeFileSync(file, 'name: lab\ngpu: none\n');
    expect((await runCli(['render', '-c', file, '--out', outDir])).code).toBe(0);
    const before = fs.readFileSync(path.join(outDir, 'compose.yaml'), 'utf8');
    fs.writeFileSync(file, 'name: lab\ngpu: none\nports: {grafana: 9090}\n');
    const r = await runCli(['render', '-c', file, '--out', outDir, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('CONFIG_INVALID');
    expect(fs.readFileSync(path.join(outDir, 'compose.yaml'), 'utf8')).toBe(before);
  });
});
