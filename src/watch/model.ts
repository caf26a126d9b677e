// The watch event model, pure: what the stack looks like (StackState) and the typed events that
// describe how it changed. Sources produce states; `transitions` diffs two of them. Nothing here
// does I/O or reads the clock, so every event the CLI, NDJSON and SSE emit is unit-testable.

export const eventTypes = [
  'snapshot',
  'service_health_changed',
  'target_down',
  'target_up',
  'alert_firing',
  'alert_resolved',
  'rule_error',
  'gpu_missing',
  'stale',
  'resynced',
] as const;
export type EventType = (typeof eventTypes)[number];

export const sourceNames = ['docker', 'prometheus', 'alertmanager'] as const;
export type SourceName = (typeof sourceNames)[number];

export interface ServiceState {
  name: string;
  state: string; // running, exited, restarting, ...
  health?: string; // healthy, unhealthy, starting (only when the image has a healthcheck)
  restarts: number;
  simulated?: boolean;
}

export interface TargetState {
  job: string;
  instance: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape?: string;
  scrapeUrl: string;
}

export interface AlertState {
  fingerprint: string;
  name: string;
  severity: string;
  startsAt: string;
  summary: string;
  receivers: string[];
  labels: Record<string, string>;
}

export interface RuleState {
  group: string;
  name: string;
  health: string; // ok, err, unknown
  lastError: string;
  query: string;
}

/** One GPU's headline: only the fields its exporter reports are present. */
export interface GpuState {
  id: string; // gpu index (and UUID when reported)
  model?: string;
  utilPercent?: number;
  temperatureC?: number;
  powerW?: number;
  memUsedMiB?: number;
  memTotalMiB?: number;
}

/** Alertmanager's own count of notifications per integration (it reports no per-alert result). */
export interface DeliveryState {
  integration: string;
  sent: number;
  failed: number;
}

export interface SourceStatus {
  status: 'ok' | 'stale' | 'unknown';
  error?: string;
  /** When a stale source will be tried again (ISO time). */
  retryAt?: string;
}

export interface StackState {
  project: string;
  services: ServiceState[];
  targets: TargetState[];
  alerts: AlertState[];
  rules: RuleState[];
  gpus: GpuState[];
  delivery: DeliveryState[];
  sources: Record<SourceName, SourceStatus>;
}

/** What a source contributes to the state. */
export type Slice = Partial<Pick<StackState, 'services' | 'targets' | 'alerts' | 'rules' | 'gpus' | 'delivery'>>;

/** An event before the hub numbers and timestamps it. */
export interface EventDraft {
  type: EventType;
  source: SourceName | 'watch';
  subject: string;
  summary: string;
  evidence: Record<string, unknown>;
}

export interface WatchEvent extends EventDraft {
  id: number;
  time: string;
}

export const emptyState = (project: string): StackState => ({
  project,
  services: [],
  targets: [],
  alerts: [],
  rules: [],
  gpus: [],
  delivery: [],
  sources: { docker: { status: 'unknown' }, prometheus: { status: 'unknown' }, alertmanager: { status: 'unknown' } },
});

export const targetKey = (t: TargetState) => `${t.job} ${t.instance}`;
const ruleKey = (r: RuleState) => `${r.group}/${r.name}`;
export const serviceStatus = (s: ServiceState | undefined) => (s ? `${s.state}${s.health ? `/${s.health}` : ''}` : 'absent');
const byKey = <T>(items: T[], key: (t: T) => string) => new Map(items.map((i) => [key(i), i]));

/** Every transition from `prev` to `next`, in a stable order (services, targets, alerts, rules, GPUs). */
export function transitions(prev: StackState, next: StackState): EventDraft[] {
  const out: EventDraft[] = [];
  const services = byKey(prev.services, (s) => s.name);
  const nextServices = byKey(next.services, (s) => s.name);
  for (const name of [...new Set([...services.keys(), ...nextServices.keys()])].sort()) {
    const a = services.get(name);
    const b = nextServices.get(name);
    const restarted = a && b && b.restarts > a.restarts;
    if (serviceStatus(a) === serviceStatus(b) && !restarted) continue;
    out.push({
      type: 'service_health_changed',
      source: 'docker',
      subject: name,
      summary: `${name} ${serviceStatus(b)} (was ${serviceStatus(a)}${restarted ? `; restarts ${a.restarts} -> ${b.restarts}` : ''})`,
      evidence: { from: serviceStatus(a), to: serviceStatus(b), restarts: b?.restarts ?? a?.restarts ?? 0 },
    });
  }

  const targets = byKey(prev.targets, targetKey);
  for (const t of next.targets) {
    const before = targets.get(targetKey(t));
    const evidence = { job: t.job, instance: t.instance, scrapeUrl: t.scrapeUrl, lastError: t.lastError, lastScrape: t.lastScrape ?? null, was: before?.health ?? 'absent' };
    // `unknown` (not scraped yet, e.g. after a Prometheus restart) is not a transition either way.
    if (t.health === 'down' && before?.health !== 'down') {
      out.push({ type: 'target_down', source: 'prometheus', subject: `${t.job} ${t.instance}`, summary: `${t.job} ${t.instance} is down: ${t.lastError || 'no error reported'}`, evidence });
    } else if (t.health === 'up' && before?.health === 'down') {
      out.push({ type: 'target_up', source: 'prometheus', subject: `${t.job} ${t.instance}`, summary: `${t.job} ${t.instance} is up again`, evidence });
    }
  }

  const alerts = byKey(prev.alerts, (a) => a.fingerprint);
  const nextAlerts = byKey(next.alerts, (a) => a.fingerprint);
  for (const a of next.alerts) {
    if (alerts.has(a.fingerprint)) continue;
    out.push({ type: 'alert_firing', source: 'alertmanager', subject: a.name, summary: `${a.name} (${a.severity}) firing: ${a.summary || labelText(a.labels)}`, evidence: { ...a } });
  }
  for (const a of prev.alerts) {
    if (nextAlerts.has(a.fingerprint)) continue;
    out.push({ type: 'alert_resolved', source: 'alertmanager', subject: a.name, summary: `${a.name} resolved (${labelText(a.labels)})`, evidence: { ...a } });
  }

  const rules = byKey(prev.rules, ruleKey);
  for (const r of next.rules) {
    if (r.health !== 'err' || rules.get(ruleKey(r))?.health === 'err') continue;
    out.push({ type: 'rule_error', source: 'prometheus', subject: `${r.group}/${r.name}`, summary: `rule ${r.name} (group ${r.group}) fails: ${r.lastError}`, evidence: { ...r } });
  }

  const gpus = byKey(next.gpus, (g) => g.id);
  for (const g of prev.gpus) {
    if (gpus.has(g.id)) continue;
    out.push({ type: 'gpu_missing', source: 'prometheus', subject: `gpu ${g.id}`, summary: `GPU ${g.id}${g.model ? ` (${g.model})` : ''} no longer reported by the GPU exporter`, evidence: { last: g } });
  }
  return out;
}

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export const snapshotEvent = (state: StackState): EventDraft => ({
  type: 'snapshot',
  source: 'watch',
  subject: state.project,
  summary: `${state.services.length} services, ${state.targets.filter((t) => t.health === 'up').length}/${state.targets.length} targets up, ${state.alerts.length} alerts firing, ${state.gpus.length} GPUs`,
  evidence: { state },
});

export const staleEvent = (source: SourceName, error: string, retryInMs: number): EventDraft => ({
  type: 'stale',
  source,
  subject: source,
  summary: `${source} unreachable (${error}); reconnecting in ${Math.round(retryInMs / 1000)} s`,
  evidence: { error, retryInMs },
});

export const resyncedEvent = (source: SourceName, state: StackState, staleForMs: number): EventDraft => ({
  type: 'resynced',
  source,
  subject: source,
  summary: `${source} reachable again after ${Math.round(staleForMs / 1000)} s; state resynced`,
  evidence: { staleForMs, state },
});

/** Exponential backoff for an unreachable source: 1 s, 2 s, 4 s ... at most 30 s. */
export const backoffMs = (failures: number, firstMs = 1000, maxMs = 30_000) => Math.min(maxMs, firstMs * 2 ** Math.max(0, failures - 1));

/** The one-line form of an event (the non-terminal output, and what --until matches). */
export const eventLine = (e: WatchEvent) => `${e.time} ${e.type} ${e.summary}`;
