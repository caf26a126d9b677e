// The terminal view as a pure function: StackState (+ the latest events) -> lines. The driver in
// tty.ts only decides when to draw; what is drawn is tested here without a terminal.
import type { ChalkInstance } from 'chalk';
import { serviceStatus, sourceNames, type StackState, type WatchEvent } from './model.js';

export function age(iso: string | undefined, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** Rows padded into columns; `paint` colours a whole row. */
function table(headers: string[], rows: { cells: string[]; paint?: (s: string) => string }[], width: number): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').slice(0, width);
  return [line(headers), ...rows.map((r) => (r.paint ?? ((s: string) => s))(line(r.cells)))];
}

const fmt = (n: number | undefined, unit: string, digits = 0) => (n === undefined ? undefined : `${n.toFixed(digits)}${unit}`);

export function renderView(state: StackState, recent: WatchEvent[], now: number, c: ChalkInstance, width = 100, note?: string): string[] {
  const sources = sourceNames.map((n) => {
    const s = state.sources[n];
    if (s.status === 'ok') return c.green(`${n} ok`);
    if (s.status === 'unknown') return c.dim(`${n} -`);
    const retry = s.retryAt ? Math.max(0, Math.ceil((Date.parse(s.retryAt) - now) / 1000)) : 0;
    return c.yellow(`${n} reconnecting in ${retry}s (${s.error})`);
  });
  const out = [c.bold(`obsctl watch  ${state.project}`) + `   ${sources.join('  ')}`, ...(note ? [c.dim(note)] : []), ''];

  out.push(c.bold(`SERVICES (${state.services.length})`));
  out.push(
    ...table(
      ['SERVICE', 'STATE', 'RESTARTS'],
      state.services.map((s) => ({
        cells: [s.simulated ? `${s.name} (simulated)` : s.name, serviceStatus(s), String(s.restarts)],
        ...(s.state !== 'running' || s.health === 'unhealthy' ? { paint: c.red } : s.health === 'starting' ? { paint: c.yellow } : {}),
      })),
      width,
    ),
  );

  const up = state.targets.filter((t) => t.health === 'up').length;
  out.push('', c.bold(`TARGETS (${up}/${state.targets.length} up)`));
  out.push(
    ...table(
      ['JOB', 'INSTANCE', 'HEALTH', 'SCRAPED', 'ERROR'],
      state.targets.map((t) => ({ cells: [t.job, t.instance, t.health, `${age(t.lastScrape, now)} ago`, t.lastError], ...(t.health === 'down' ? { paint: c.red } : {}) })),
      width,
    ),
  );

  out.push('', c.bold(`FIRING ALERTS (${state.alerts.length})`));
  if (state.alerts.length === 0) out.push(c.dim('none'));
  else
    out.push(
      ...table(
        ['ALERT', 'SEVERITY', 'FOR', 'RECEIVERS', 'SUMMARY'],
        state.alerts.map((a) => ({
          cells: [a.name, a.severity, age(a.startsAt, now), a.receivers.join(',') || '-', a.summary],
          ...(a.severity === 'critical' ? { paint: c.red } : a.severity === 'warning' ? { paint: c.yellow } : {}),
        })),
        width,
      ),
    );

  if (state.delivery.length) {
    const text = state.delivery.map((d) => `${d.integration} ${d.sent} sent, ${d.failed} failed`).join('; ');
    out.push((state.delivery.some((d) => d.failed > 0) ? c.yellow : c.dim)(`delivery (Alertmanager, per integration since it started): ${text}`.slice(0, width)));
  }

  const errors = state.rules.filter((r) => r.health === 'err');
  if (errors.length) {
    out.push('', c.bold(`RULE ERRORS (${errors.length})`));
    for (const r of errors) out.push(c.red(`${r.group}/${r.name}: ${r.lastError}`.slice(0, width)));
  }

  if (state.gpus.length) {
    out.push('', c.bold(`GPUS (${state.gpus.length})`));
    for (const g of state.gpus) {
      // Only what this GPU reports: GB10 has no framebuffer fields, so no memory column there.
      const mem = g.memUsedMiB !== undefined ? `mem ${fmt(g.memUsedMiB / 1024, '', 1)}${g.memTotalMiB ? `/${fmt(g.memTotalMiB / 1024, '', 1)}` : ''} GiB` : undefined;
      const fields = [fmt(g.utilPercent, '% util'), fmt(g.temperatureC, ' °C'), fmt(g.powerW, ' W', 1), mem].filter(Boolean);
      out.push(`gpu ${g.id}${g.model ? ` ${g.model}` : ''}: ${fields.join('  ') || c.dim('no fields reported')}`.slice(0, width));
    }
  }

  if (recent.length) {
    out.push('', c.bold('RECENT EVENTS'));
    for (const e of recent) out.push(c.dim(`${e.time.slice(11, 19)} ${e.type} ${e.summary}`.slice(0, width)));
  }
  out.push('', c.dim('q quits'));
  return out;
}
