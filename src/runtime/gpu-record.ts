// `obsctl gpu record`: captures a live dcgm-exporter's /metrics into a file that
// `--simulate-gpu=FILE` replays, so a team can run its own DGX Spark (or any GPU) in CI. Several
// scrapes over the duration are merged (a series seen in any of them is kept, with its last value),
// so a field that appears late is not lost. Secrets-free by default: labels naming pods, namespaces,
// containers and the host are removed (the host label is set by obsctl's Prometheus anyway).
import { errors } from '../errors.js';
import { formatLabels, parseExposition } from '../render/exposition.js';

/** Labels that identify where the GPU runs, not what it is: removed unless asked to keep them. */
export const IDENTIFYING_LABELS = ['Hostname', 'hostname', 'pod', 'namespace', 'container', 'pod_uid'];

export interface RecordOptions {
  url: string;
  durationMs: number;
  intervalMs: number;
  keepLabels: boolean;
  /** Injected for tests and for the clock; defaults to global fetch and setTimeout. */
  fetchText?: (url: string) => Promise<string>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

async function defaultFetch(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw errors.gpuExporterUnreachable(url, ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message);
  }
  if (!res.ok) throw errors.gpuExporterUnreachable(url, `HTTP ${res.status}`);
  return res.text();
}

/** Merges scrapes into one exposition text: families in first-seen order, each series' last value. */
export function mergeScrapes(texts: string[], keepLabels: boolean): { text: string; series: number; fields: string[] } {
  const families = new Map<string, { help?: string; type?: string; series: Map<string, string> }>();
  for (const text of texts) {
    const { samples, types, help } = parseExposition(text);
    for (const s of samples) {
      if (!/^DCGM_/.test(s.name)) continue;
      const labels = keepLabels ? s.labels : Object.fromEntries(Object.entries(s.labels).filter(([k]) => !IDENTIFYING_LABELS.includes(k)));
      const fam = families.get(s.name) ?? { series: new Map<string, string>() };
      const h = help.get(s.name);
      const t = types.get(s.name);
      if (h !== undefined) fam.help = h;
      if (t !== undefined) fam.type = t;
      fam.series.set(formatLabels(labels), String(s.value));
      families.set(s.name, fam);
    }
  }
  const lines: string[] = [];
  let series = 0;
  for (const [name, fam] of families) {
    if (fam.help !== undefined) lines.push(`# HELP ${name} ${fam.help}`);
    if (fam.type !== undefined) lines.push(`# TYPE ${name} ${fam.type}`);
    for (const [labels, value] of fam.series) {
      lines.push(`${name}${labels} ${value}`);
      series++;
    }
  }
  return { text: lines.length ? `${lines.join('\n')}\n` : '', series, fields: [...families.keys()] };
}

export async function recordExporter(o: RecordOptions): Promise<{ text: string; scrapes: number; series: number; fields: string[] }> {
  const fetchText = o.fetchText ?? defaultFetch;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const texts: string[] = [];
  const deadline = Date.now() + o.durationMs;
  for (;;) {
    texts.push(await fetchText(o.url));
    if (Date.now() + o.intervalMs > deadline) break;
    await sleep(o.intervalMs);
  }
  const merged = mergeScrapes(texts, o.keepLabels);
  if (merged.series === 0) throw errors.gpuExporterUnreachable(o.url, 'it answered, but with no DCGM_* series (is this dcgm-exporter?)');
  const when = (o.now ?? (() => new Date()))().toISOString();
  const header = [
    `# Recorded by obsctl gpu record from ${o.url} at ${when}: ${texts.length} scrape${texts.length === 1 ? '' : 's'}, ${merged.series} series, ${merged.fields.length} fields.`,
    o.keepLabels ? '# Labels kept as served.' : `# Removed labels: ${IDENTIFYING_LABELS.join(', ')} (pass --keep-labels to keep them).`,
    '# Replay it without a GPU: obsctl up --simulate-gpu=THIS_FILE',
  ];
  return { text: `${header.join('\n')}\n${merged.text}`, scrapes: texts.length, series: merged.series, fields: merged.fields };
}
