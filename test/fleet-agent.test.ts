// Agent-mode fleets (issue 19): what each host renders. The e2e file (test/e2e/fleet-agent.test.ts)
// proves it runs and loses nothing across an outage of central; these pin the wiring.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, type ConfigInput } from '../src/config/schema.js';
import { parseConfigText } from '../src/config/load.js';
import { loadContent } from '../src/content.js';
import { templatesDir } from '../src/paths.js';
import { render } from '../src/render/index.js';

const content = loadContent();
type Service = { ports?: string[]; command?: string[] };
const fleet = (mode?: 'pull' | 'agent'): ConfigInput => ({
  name: 'lab',
  ...(mode ? { fleet: { mode } } : {}),
  hosts: [
    { name: 'central-1', role: 'central', address: '10.0.0.10' },
    { name: 'spark-a', address: '10.0.0.11', gpu: 'gb10', labels: { rack: 'r1' } },
  ],
});
function host(input: ConfigInput, name: string, gpu: 'none' | 'gb10') {
  const r = render(configSchema.parse(input), { profile: gpu, host: name }, content);
  const file = (p: string) => r.files.find((f) => f.path === p)?.content;
  return { r, file, services: (parse(file('compose.yaml')!) as { services: Record<string, Service> }).services };
}

describe('agent fleet', () => {
  it('a node runs Prometheus --agent, unpublished, scraping its exporters locally and writing to central', () => {
    const { services, file, r } = host(fleet('agent'), 'spark-a', 'gb10');
    expect(Object.keys(services).sort()).toEqual(['dcgm-exporter', 'node-exporter', 'prometheus']);
    expect(services.prometheus!.command).toContain('--agent');
    expect(services.prometheus!.ports).toBeUndefined();
    // Only the agent scrapes the exporters: nothing is published on the node's address.
    expect(services['dcgm-exporter']!.ports).toBeUndefined();
    expect(services['node-exporter']!.command).toContain('--web.listen-address=172.30.254.1:9100');
    const prom = parse(file('prometheus/prometheus.yml')!) as { remote_write: { url: string }[]; scrape_configs: { job_name: string; static_configs: { labels: Record<string, string> }[] }[]; rule_files?: unknown };
    expect(prom.remote_write.map((w) => w.url)).toEqual(['http://10.0.0.10:9090/api/v1/write']);
    expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(['node-exporter', 'dcgm-exporter']);
    expect(prom.scrape_configs[0]!.static_configs[0]!.labels).toEqual({ host: 'spark-a', rack: 'r1', instance: '10.0.0.11:9100' });
    expect(prom.rule_files).toBeUndefined();
    expect(r.manifest.services.find((s) => s.name === 'prometheus')?.apply).toBe('restart');
  });

  it('central receives remote write on its inventory address and scrapes no node', () => {
    const { services, file, r } = host(fleet('agent'), 'central-1', 'none');
    expect(services.prometheus!.command).toContain('--web.enable-remote-write-receiver');
    expect(services.prometheus!.ports).toEqual(['127.0.0.1:9090:9090', '10.0.0.10:9090:9090']);
    expect(file('prometheus/file_sd/node-exporter.json')).toBeUndefined();
    expect(r.manifest.inventory).toEqual([]);
    expect(r.manifest.agents).toEqual([{ host: 'spark-a', jobs: ['node-exporter', 'dcgm-exporter'], intervalSeconds: 15 }]);
  });

  it('without fleet.mode an inventory stays a pull fleet (configs written before agent mode)', () => {
    expect(Object.keys(host(fleet(), 'spark-a', 'gb10').services).sort()).toEqual(['dcgm-exporter', 'node-exporter']);
    const central = host(fleet('pull'), 'central-1', 'none');
    expect(central.file('prometheus/file_sd/node-exporter.json')).toContain('10.0.0.11:9100');
    expect(central.services.prometheus!.command).not.toContain('--web.enable-remote-write-receiver');
  });

  it('init writes agent mode for new fleets', () => {
    const text = fs.readFileSync(path.join(templatesDir, 'obsctl.yaml'), 'utf8').replaceAll(/\{\{\w+\}\}/g, 'x');
    expect(parseConfigText(text.replace('gpu: x', 'gpu: auto').replace('name: x', 'name: lab')).config?.fleet.mode).toBe('agent');
  });
});
