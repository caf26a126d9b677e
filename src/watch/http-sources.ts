// The polled sources: Prometheus (targets, rules, the GPU headline series) and Alertmanager (the
// alerts it holds). Each poll returns a Slice of the state or throws (a stale source); the parsers
// are separate and pure so recorded API answers can be unit-tested.
import type { AlertState, DeliveryState, GpuState, RuleState, Slice, TargetState } from './model.js';
import type { TargetsResponse } from '../prometheus-api.js';

export interface PolledSource {
  name: 'prometheus' | 'alertmanager';
  poll(): Promise<Slice>;
}

type Fetch = typeof fetch;

async function getJson<T>(url: string, fetchImpl: Fetch, timeoutMs: number): Promise<T> {
  let r: Response;
  try {
    r = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    // fetch hides the socket error (ECONNREFUSED, ...) in its cause; that is the useful part.
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (e as Error).message);
  }
  const text = await r.text();
  if (!r.ok) throw new Error(`HTTP ${r.status} from ${new URL(url).pathname}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}


export function parseTargets(body: TargetsResponse): TargetState[] {
  return body.data.activeTargets
    .map((t) => ({
      job: t.labels.job ?? t.scrapePool,
      instance: t.labels.instance ?? t.scrapeUrl,
      health: t.health,
      lastError: t.lastError ?? '',
      ...(t.lastScrape && !t.lastScrape.startsWith('0001') ? { lastScrape: t.lastScrape } : {}),
      scrapeUrl: t.scrapeUrl,
    }))
    .sort((a, b) => `${a.job} ${a.instance}`.localeCompare(`${b.job} ${b.instance}`));
}

interface PromRuleGroup {
  name: string;
  rules: { name: string; health: string; lastError?: string; query: string; type: string }[];
}

export function parseRules(body: { data: { groups: PromRuleGroup[] } }): RuleState[] {
  return body.data.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, name: r.name, health: r.health, lastError: r.lastError ?? '', query: r.query })));
}

/** The DCGM fields the headline shows, by what they mean. */
export const gpuFields = {
  DCGM_FI_DEV_GPU_UTIL: 'utilPercent',
  DCGM_FI_DEV_GPU_TEMP: 'temperatureC',
  DCGM_FI_DEV_POWER_USAGE: 'powerW',
  DCGM_FI_DEV_FB_USED: 'memUsedMiB',
  DCGM_FI_DEV_FB_FREE: 'memFreeMiB',
} as const;
export const gpuQuery = `{__name__=~"${Object.keys(gpuFields).join('|')}"}`;

type Sample = { metric: Record<string, string>; value: [number, string] };

/** One headline per GPU from the instant vector; a field the GPU does not report stays absent. */
export function parseGpus(series: Sample[]): GpuState[] {
  const gpus = new Map<string, GpuState & { memFreeMiB?: number }>();
  // Every series carries a host label; it only tells GPUs apart when there is more than one host.
  const hosts = new Set(series.map((s) => s.metric.host));
  for (const s of series) {
    const field = gpuFields[s.metric.__name__ as keyof typeof gpuFields];
    if (!field || s.metric.gpu === undefined) continue;
    const id = `${hosts.size > 1 ? `${s.metric.host}:` : ''}${s.metric.gpu}`;
    const g = gpus.get(id) ?? { id, ...(s.metric.modelName ? { model: s.metric.modelName } : {}) };
    g[field] = Number(s.value[1]);
    gpus.set(id, g);
  }
  return [...gpus.values()]
    .map(({ memFreeMiB, ...g }) => (g.memUsedMiB !== undefined && memFreeMiB !== undefined ? { ...g, memTotalMiB: g.memUsedMiB + memFreeMiB } : g))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed' };
  receivers: { name: string }[];
}

/** Alerts Alertmanager holds as active (silenced and inhibited ones are not firing at anyone). */
export function parseAlerts(body: AmAlert[]): AlertState[] {
  return body
    .filter((a) => a.status.state === 'active')
    .map((a) => ({
      fingerprint: a.fingerprint,
      name: a.labels.alertname ?? '(unnamed)',
      severity: a.labels.severity ?? 'none',
      startsAt: a.startsAt,
      summary: a.annotations.summary ?? a.annotations.description ?? '',
      receivers: a.receivers.map((r) => r.name),
      labels: a.labels,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.fingerprint.localeCompare(b.fingerprint));
}

/**
 * Notifications sent and failed per integration, from Alertmanager's /metrics text (the only place
 * it reports delivery); integrations that never sent anything are left out.
 */
export function parseDelivery(metricsText: string): DeliveryState[] {
  const byIntegration = new Map<string, DeliveryState>();
  for (const m of metricsText.matchAll(/^alertmanager_notifications_(total|failed_total)\{([^}]*)\} (\S+)$/gm)) {
    const integration = /integration="([^"]*)"/.exec(m[2]!)?.[1];
    if (!integration) continue;
    const d = byIntegration.get(integration) ?? { integration, sent: 0, failed: 0 };
    d[m[1] === 'total' ? 'sent' : 'failed'] += Number(m[3]);
    byIntegration.set(integration, d);
  }
  return [...byIntegration.values()].filter((d) => d.sent > 0 || d.failed > 0).sort((a, b) => a.integration.localeCompare(b.integration));
}

export function prometheusSource(base: string, options: { fetchImpl?: Fetch; timeoutMs?: number } = {}): PolledSource {
  const f = options.fetchImpl ?? fetch;
  const timeout = options.timeoutMs ?? 5000;
  return {
    name: 'prometheus',
    async poll() {
      const [targets, rules, gpus] = await Promise.all([
        getJson<TargetsResponse>(`${base}/api/v1/targets?state=active`, f, timeout),
        getJson<{ data: { groups: PromRuleGroup[] } }>(`${base}/api/v1/rules`, f, timeout),
        getJson<{ data: { result: Sample[] } }>(`${base}/api/v1/query?query=${encodeURIComponent(gpuQuery)}`, f, timeout),
      ]);
      return { targets: parseTargets(targets), rules: parseRules(rules), gpus: parseGpus(gpus.data.result) };
    },
  };
}

export function alertmanagerSource(base: string, options: { fetchImpl?: Fetch; timeoutMs?: number } = {}): PolledSource {
  const f = options.fetchImpl ?? fetch;
  return {
    name: 'alertmanager',
    async poll() {
      const timeout = options.timeoutMs ?? 5000;
      const [alerts, metrics] = await Promise.all([
        getJson<AmAlert[]>(`${base}/api/v2/alerts?active=true&silenced=false&inhibited=false`, f, timeout),
        // Delivery counts are extra: an Alertmanager whose /metrics is not reachable (a proxy) still has alerts.
        f(`${base}/metrics`, { signal: AbortSignal.timeout(timeout) }).then((r) => (r.ok ? r.text() : ''), () => ''),
      ]);
      return { alerts: parseAlerts(alerts), delivery: parseDelivery(metrics) };
    },
  };
}
