// Valid obsctl.yaml files the corpus mutates. Together they set every key of the schema (so "a wrong
// type at every leaf" and "an unknown key at every level" reach every leaf and level), and each one
// renders as it is.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Base {
  name: string;
  text: string;
  /** Extra render arguments (the fleet base acts for its central host). */
  args: string[];
}

const full = `# Every section, single host.
name: lab-full
gpu: nvidia
listen: 127.0.0.1
network:
  subnet: 172.30.200.0/24
ports:
  prometheus: 19090
  alertmanager: 19093
  grafana: 13000
  node_exporter: 19100
images:
  registry: registry.internal:5000/mirror
  prometheus: prom/prometheus:v3.5.0
  alertmanager: prom/alertmanager:v0.28.1
  grafana: grafana/grafana:12.0.2
  node-exporter: prom/node-exporter:v1.9.1
  dcgm-exporter: nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04
  cadvisor: gcr.io/cadvisor/cadvisor:v0.52.1
  blackbox: prom/blackbox-exporter:v0.27.0
  dcgm-simulator: node:22-alpine
  pull_policy: missing
exporters:
  node:
    enabled: true
  dcgm:
    enabled: true
    collect_interval_ms: 10000
    profiling: false
    extra_counters: [DCGM_FI_DEV_PCIE_REPLAY_COUNTER]
  cadvisor:
    enabled: true
  blackbox:
    probes:
      - name: homepage
        urls: [https://example.internal/health]
        module: http_2xx
targets:
  - name: inference-api
    urls: [localhost:8000, http://10.0.0.7:8000/metrics]
    metrics_path: /metrics
    scheme: http
    interval: 10s
    labels: {team: ml, tier: gold}
    basic_auth:
      username: prom
      password: {env: API_PASSWORD}
    required_metrics: [http_requests_total]
  - name: trainer
    urls: [trainer.lan:9000]
    bearer_token: {file: ./secrets/token}
prometheus:
  scrape_interval: 15s
  evaluation_interval: 30s
  retention_time: 15d
  retention_size: 50GB
  external_labels: {site: lab, rack: r1}
  remote_write:
    - name: longterm
      url: http://mimir.lan:9009/api/v1/push
      queue: {capacity: 20000, max_shards: 4, max_samples_per_send: 1000}
      keep_metrics: 'node_.*|DCGM_.*'
      drop_labels: [pod]
      basic_auth:
        username: writer
        password: {env: RW_PASSWORD}
alertmanager:
  receivers:
    - name: ops-hook
      type: webhook
      url: {env: OPS_HOOK_URL}
      send_resolved: true
    - name: gpu-team
      type: slack
      api_url: {env: SLACK_URL}
      channel: '#gpu-alerts'
    - name: mail
      type: email
      to: ops@example.com
      from: obsctl@example.com
      smarthost: smtp.example.com:587
      auth_username: obsctl
      auth_password: {env: SMTP_PASSWORD}
      require_tls: true
    - name: pager
      type: pagerduty
      routing_key: {env: PD_KEY}
  route:
    receiver: ops-hook
    group_by: [alertname, instance]
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 4h
    routes:
      - receiver: pager
        matchers: ['severity="critical"']
        continue: true
grafana:
  enabled: true
  admin_user: admin
  admin_password: {env: GF_PASSWORD}
  anonymous_access: false
verify:
  webhook_port: 19096
  max_series_per_job: 60000
alerts:
  gpu:
    enabled: true
    temperature_warning_celsius: 80
    temperature_critical_celsius: 88
    power_limit_watts: 350
    memory_used_ratio: 0.9
    idle_util_percent: 3
  host:
    enabled: true
    memory_available_ratio: 0.15
    disk_free_ratio: 0.1
    load_per_core: 2.5
  app:
    enabled: true
    error_ratio_slo: 0.02
    latency_p95_seconds: 1.5
    job_failure_ratio: 0.1
    queue_depth: 500
  stack:
    enabled: true
`;

const fleet = `# A central host and two nodes.
name: fleet
gpu: none
hosts:
  - name: central-1
    address: 10.0.0.1
    role: central
    gpu: none
    labels: {site: hq}
    ports: {node_exporter: 9100, dcgm_exporter: 9400}
    network_subnet: 172.30.201.0/24
  - name: spark-a
    address: spark-a.lan
    role: node
    gpu: gb10
    labels: {rack: r2, owner: ml}
  - name: h100-1
    address: 10.0.0.3
    gpu: nvidia
prometheus:
  remote_write:
    - name: vm
      url: http://10.0.0.9:8428/api/v1/write
`;

const here = path.dirname(fileURLToPath(import.meta.url));
const readIf = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined);

export function bases(): Base[] {
  const out: Base[] = [
    { name: 'full', text: full, args: [] },
    { name: 'fleet', text: fleet, args: ['--host', 'central-1'] },
    { name: 'minimal', text: 'name: lab\ngpu: none\n', args: [] },
    { name: 'empty', text: '', args: [] },
  ];
  const template = readIf(path.join(here, '../../templates/obsctl.yaml'));
  if (template) out.push({ name: 'template', text: template.replace('{{name}}', 'lab').replace('{{gpu}}', 'none'), args: [] });
  for (const g of ['cpu-only', 'gb10-slack', 'nvidia-remote-write']) {
    const text = readIf(path.join(here, `../golden/${g}/obsctl.yaml`));
    if (text) out.push({ name: `golden-${g}`, text, args: [] });
  }
  return out;
}
