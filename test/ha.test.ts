// HA central (issue 19, fleet.central.replicas: 2): what central and an agent node render, and the
// config error for a bad value. test/e2e/fleet-ha.test.ts proves it runs: one replica stopped,
// alerts still delivered once, dashboards' queries still answered by the store.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, type ConfigInput } from '../src/config/schema.js';
import { parseConfigText } from '../src/config/load.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';
import { haEndpoints } from '../src/verify/checks/replicas.js';

const content = loadContent();
type Service = { ports?: string[]; command?: string[]; volumes?: string[]; labels?: Record<string, string> };
const fleet = (replicas?: number): ConfigInput => ({
  name: 'lab',
  fleet: { mode: 'agent', ...(replicas ? { central: { replicas } } : {}) },
  hosts: [
    { name: 'central-1', role: 'central', address: '10.0.0.10' },
    { name: 'spark-a', address: '10.0.0.11', gpu: 'gb10' },
  ],
});
function host(input: ConfigInput, name: string, gpu: 'none' | 'gb10') {
  const r = render(configSchema.parse(input), { profile: gpu, host: name }, content);
  const file = (p: string) => r.files.find((f) => f.path === p)?.content;
  return { r, file, services: (parse(file('compose.yaml')!) as { services: Record<string, Service> }).services };
}
type Prom = { global: { external_labels: Record<string, string> }; alerting: { alert_relabel_configs?: unknown[]; alertmanagers: { static_configs: { targets: string[] }[] }[] }; remote_write?: { name: string; url: string; write_relabel_configs?: unknown[] }[] };

describe('HA central', () => {
  it('central runs two Prometheus replicas, a two-peer Alertmanager cluster and the store', () => {
    const { services, file, r } = host(fleet(2), 'central-1', 'none');
    expect(Object.keys(services).sort()).toEqual(['alertmanager', 'alertmanager-b', 'grafana', 'node-exporter', 'prometheus', 'prometheus-b', 'victoria-metrics']);
    // Gossip on the stack network, each peer naming the other.
    expect(services.alertmanager!.command).toEqual(expect.arrayContaining(['--cluster.listen-address=0.0.0.0:9094', '--cluster.peer=alertmanager-b:9094']));
    expect(services['alertmanager-b']!.command).toContain('--cluster.peer=alertmanager:9094');
    expect(services.alertmanager!.command).not.toContain('--cluster.listen-address=');
    // Replica b: its own config, data and ports; agents reach it on central's address.
    expect(services['prometheus-b']!.command).toContain('--config.file=/etc/prometheus/prometheus-b.yml');
    expect(services['prometheus-b']!.volumes).toContain('prometheus-b-data:/prometheus');
    expect(services['prometheus-b']!.ports).toEqual(['127.0.0.1:9190:9090', '10.0.0.10:9190:9090']);
    expect(services['alertmanager-b']!.volumes).toContain('alertmanager-b-data:/alertmanager');
    expect(services['victoria-metrics']!.command).toContain('-dedup.minScrapeInterval=15s');
    // Replicas are hardened like their first (the same user, limits and GOMEMLIMIT).
    expect(r.manifest.services.find((s) => s.name === 'prometheus-b')?.hardening).toEqual(r.manifest.services.find((s) => s.name === 'prometheus')?.hardening);

    const a = parse(file('prometheus/prometheus.yml')!) as Prom;
    const b = parse(file('prometheus/prometheus-b.yml')!) as Prom;
    expect([a.global.external_labels.replica, b.global.external_labels.replica]).toEqual(['a', 'b']);
    for (const p of [a, b]) {
      // Both send to both Alertmanagers without `replica`: the cluster sees one alert, not two.
      expect(p.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual(['alertmanager:9093', 'alertmanager-b:9093']);
      expect(p.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'replica' }]);
      // Both write to the store without `replica`: VictoriaMetrics deduplicates the two copies.
      expect(p.remote_write?.[0]).toMatchObject({ url: 'http://victoria-metrics:8428/api/v1/write', write_relabel_configs: [{ action: 'labeldrop', regex: 'replica' }] });
    }
    // Grafana reads the store, which survives either replica being down.
    expect(file('grafana/provisioning/datasources/obsctl.yaml')).toContain('url: http://victoria-metrics:8428');
    expect(file('prometheus/rules/stack-ha.rules.yml')).toContain('HAReplicaDown');
    expect(haEndpoints(r.manifest.services)).toEqual({
      prometheus: [{ name: 'prometheus', url: 'http://127.0.0.1:9090' }, { name: 'prometheus-b', url: 'http://127.0.0.1:9190' }],
      alertmanager: [{ name: 'alertmanager', url: 'http://127.0.0.1:9093' }, { name: 'alertmanager-b', url: 'http://127.0.0.1:9193' }],
      store: 'http://127.0.0.1:8428',
    });
  });

  it('an agent node writes to both replicas, each with its own queue', () => {
    const prom = parse(host(fleet(2), 'spark-a', 'gb10').file('prometheus/prometheus.yml')!) as Prom;
    expect(prom.remote_write!.map((w) => [w.name, w.url])).toEqual([
      ['central', 'http://10.0.0.10:9090/api/v1/write'],
      ['central-b', 'http://10.0.0.10:9190/api/v1/write'],
    ]);
  });

  it('with fleet.tls the agents write to the TLS receiver alone, which forwards to both replicas', () => {
    const tls: ConfigInput = { ...fleet(2), fleet: { mode: 'agent', tls: true, central: { replicas: 2 } } };
    const central = host(tls, 'central-1', 'none');
    const receiver = parse(central.file('prometheus-receiver/prometheus.yml')!) as Prom;
    expect(receiver.remote_write!.map((w) => w.url)).toEqual(['http://prometheus:9090/api/v1/write', 'http://prometheus-b:9090/api/v1/write']);
    // Replica b is not published on central's address: only the receiver is.
    expect(central.services['prometheus-b']!.ports).toEqual(['127.0.0.1:9190:9090']);
    const node = parse(host(tls, 'spark-a', 'gb10').file('prometheus/prometheus.yml')!) as Prom;
    expect(node.remote_write!.map((w) => w.url)).toEqual(['https://10.0.0.10:9090/api/v1/write']);
  });

  it('one replica (the default) renders none of it', () => {
    const { services, file, r } = host(fleet(), 'central-1', 'none');
    expect(Object.keys(services)).not.toContain('prometheus-b');
    expect(services.alertmanager!.command).toContain('--cluster.listen-address=');
    expect(file('prometheus/prometheus-b.yml')).toBeUndefined();
    expect(file('prometheus/rules/stack-ha.rules.yml')).toBeUndefined();
    expect(file('prometheus/prometheus.yml')).not.toContain('replica');
    expect(haEndpoints(r.manifest.services)).toBeUndefined();
  });

  it("central's ports: a clash is a located error with what to do; distinct ports, or ports of an unused replica b, are none", () => {
    const clash = parseConfigText('name: lab\nfleet:\n  mode: agent\n  central:\n    replicas: 2\n    ports:\n      store: 9190\nhosts:\n  - {name: central-1, role: central, address: 10.0.0.10}\n');
    expect(clash.errors).toEqual([expect.objectContaining({ line: 7, path: 'fleet.central.ports.store', code: 'port_clash', hint: 'Give fleet.central.ports.store and fleet.central.ports.prometheus_b different ports.' })]);
    expect(clash.errors[0]!.message).toBe('port 9190 is also used by fleet.central.ports.prometheus_b (its default port) on central-1');
    const clean = (yaml: string) => parseConfigText(yaml).errors.filter((e) => e.code === 'port_clash');
    expect(clean('name: lab\nfleet:\n  central:\n    replicas: 2\n    ports: {prometheus_b: 9290, alertmanager_b: 9293, store: 9428}\n')).toEqual([]);
    // One replica: fleet.central.ports are not used, so they cannot clash.
    expect(clean('name: lab\nfleet:\n  central:\n    ports: {store: 3000}\n')).toEqual([]);
    // The TLS receiver on central's address and replica b on listen (127.0.0.1) are different sockets.
    expect(clean('name: lab\nfleet: {mode: agent, tls: true, receiver_port: 9190, central: {replicas: 2}}\nhosts:\n  - {name: c, role: central, address: 10.0.0.1}\n  - {name: n, address: 10.0.0.2}\n')).toEqual([]);
  });

  it('a replica count other than 1 or 2 is a located error', () => {
    const r = parseConfigText('name: lab\nfleet:\n  central:\n    replicas: 3\n');
    expect(r.errors[0]).toMatchObject({ line: 4, path: 'fleet.central.replicas' });
    expect(r.errors[0]!.message).toMatch(/2/);
  });
});
