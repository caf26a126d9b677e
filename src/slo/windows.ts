// The multi-window, multi-burn-rate table of the Google SRE workbook ("Alerting on SLOs", table
// 5-8), for a 30-day period, and its scaling to other periods. A burn-rate factor says how much
// faster than "exactly the budget over the period" errors arrive; factor = budget share spent in
// the long window * period / long window, so scaling both windows with the period keeps factors.

export const WORKBOOK_PERIOD_S = 30 * 86400;

export interface BurnAlertWindow {
  /** page (wake someone) or ticket (next working day) */
  action: 'page' | 'ticket';
  /** Alertmanager severity label, matching the other packs: a page is critical. */
  severity: 'critical' | 'warning';
  /** Share of the period's error budget spent in the long window when the alert fires. */
  budgetShare: number;
  longS: number;
  shortS: number;
  factor: number;
  /**
   * A short `for:` so one odd evaluation never pages (the short window already ends it fast);
   * scaled with the windows, like every other duration here.
   */
  forS: number;
}

const H = 3600;
/** Workbook rows for 30 days: (budget share, long window, short window) -> factor. */
const rows: Array<Omit<BurnAlertWindow, 'factor' | 'severity'>> = [
  { action: 'page', budgetShare: 0.02, longS: 1 * H, shortS: 5 * 60, forS: 2 * 60 },
  { action: 'page', budgetShare: 0.05, longS: 6 * H, shortS: 30 * 60, forS: 2 * 60 },
  { action: 'ticket', budgetShare: 0.1, longS: 24 * H, shortS: 2 * H, forS: 15 * 60 },
  { action: 'ticket', budgetShare: 0.1, longS: 72 * H, shortS: 6 * H, forS: 15 * 60 },
];

const round = (n: number, digits = 6) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The four burn-rate alerts for a period, windows scaled from the 30-day table (whole seconds). */
export function burnAlertWindows(periodS: number): BurnAlertWindow[] {
  const scale = periodS / WORKBOOK_PERIOD_S;
  return rows.map((r) => ({
    ...r,
    severity: r.action === 'page' ? 'critical' : 'warning',
    // Derived, not typed in: 2 % of 30 days in 1 hour is a burn of 14.4.
    factor: round((r.budgetShare * WORKBOOK_PERIOD_S) / r.longS),
    longS: Math.round(r.longS * scale),
    shortS: Math.round(r.shortS * scale),
    forS: Math.round(r.forS * scale),
  }));
}

/** Every window the SLI is recorded over: the alerts' windows and the period itself. */
export function recordedWindows(periodS: number): number[] {
  const set = new Set<number>();
  for (const w of burnAlertWindows(periodS)) set.add(w.shortS).add(w.longS);
  set.add(periodS);
  return [...set].sort((a, b) => a - b);
}

/** Seconds as a Prometheus duration: 3600 -> 1h, 4200 -> 1h10m, 2592000 -> 30d. */
export function promDuration(s: number): string {
  const units: Array<[string, number]> = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  let left = Math.round(s);
  let out = '';
  for (const [u, n] of units) {
    if (left >= n) {
      out += `${Math.floor(left / n)}${u}`;
      left %= n;
    }
  }
  return out || '0s';
}

/** Parses a Prometheus duration (what the schema accepts) into seconds. */
export { seconds as durationSeconds } from '../duration.js';
