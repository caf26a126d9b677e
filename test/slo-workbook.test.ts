// The burn-rate alerts obsctl renders are the SRE workbook's table ("Alerting on SLOs", table 5-8):
// read back from the golden tree's rule file, not from the code that wrote it.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { burnAlertWindows, recordedWindows, promDuration } from '../src/slo/windows.js';

interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> }
const rulesOf = (file: string) =>
  (parse(fs.readFileSync(path.join(import.meta.dirname, 'golden', 'slo', 'expected', 'prometheus', 'rules', file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

// The workbook, for a 30-day SLO: severity, long window, short window, burn-rate factor.
const workbook = [
  { action: 'page', long: '1h', short: '5m', factor: 14.4 },
  { action: 'page', long: '6h', short: '30m', factor: 6 },
  { action: 'ticket', long: '1d', short: '2h', factor: 3 },
  { action: 'ticket', long: '3d', short: '6h', factor: 1 },
];

describe('SLO burn-rate alerts match the SRE workbook', () => {
  it('30d: one alert per window pair with the workbook windows and factors', () => {
    const alerts = rulesOf('slo-api-availability.rules.yml').filter((r) => r.alert === 'SLOErrorBudgetBurn');
    const read = alerts.map((a) => {
      const m = [...a.expr.matchAll(/slo:sli_error:ratio_rate(\w+)\{slo="api-availability"\} > \(([\d.]+) \* 0\.005\)/g)];
      expect(m, a.expr).toHaveLength(2);
      expect(m[0]![2]).toBe(m[1]![2]); // both windows at the same factor
      return { action: a.labels!.action, long: m[0]![1], short: m[1]![1], factor: Number(m[0]![2]) };
    });
    expect(read).toEqual(workbook);
    expect(alerts.map((a) => a.labels!.window)).toEqual(['1h/5m', '6h/30m', '1d/2h', '3d/6h']);
    expect(alerts.map((a) => a.labels!.severity)).toEqual(['critical', 'critical', 'warning', 'warning']);
    for (const a of alerts) {
      expect(a.labels).toMatchObject({ slo: 'api-availability' });
      expect(a.expr).toMatch(/slo:sli_events:rate\w+\{slo="api-availability"\} \* \d+ >= 10$/); // minimum traffic
    }
    expect(alerts.map((a) => a.for)).toEqual(['2m', '2m', '15m', '15m']);
  });

  it('30d: the SLI is recorded over every window and the period; burn rates and budget left too', () => {
    const records = new Set(rulesOf('slo-api-availability.rules.yml').map((r) => r.record).filter(Boolean));
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']) {
      expect(records).toContain(`slo:sli_error:ratio_rate${w}`);
      expect(records).toContain(`slo:burn_rate:rate${w}`);
    }
    expect(records).toContain('slo:error_budget_remaining:ratio');
    expect(rulesOf('slo-api-availability.rules.yml').find((r) => r.alert === 'SLONoData')?.expr).toBe('absent(slo:sli_events:rate5m{slo="api-availability"})');
  });

  it('28d (the golden latency SLO): windows scale with the period, factors stay', () => {
    const alerts = rulesOf('slo-api-latency.rules.yml').filter((r) => r.alert === 'SLOErrorBudgetBurn');
    expect(alerts.map((a) => a.labels!.window)).toEqual(['56m/4m40s', '5h36m/28m', '22h24m/1h52m', '2d19h12m/5h36m']);
    expect(alerts.map((a) => /> \(([\d.]+) \*/.exec(a.expr)![1])).toEqual(['14.4', '6', '3', '1']);
  });

  it('every period scales the 30d table by period / 30d; factor = budget share x period / long window', () => {
    for (const days of [7, 28, 30, 90]) {
      const rows = burnAlertWindows(days * 86400);
      rows.forEach((r, i) => {
        expect(r.factor).toBe(workbook[i]!.factor);
        expect(r.longS * 30).toBe(Math.round(([3600, 21600, 86400, 259200][i]! * days)));
        expect(Math.round((r.budgetShare * days * 86400) / r.longS * 1e6) / 1e6).toBe(workbook[i]!.factor);
      });
      expect(recordedWindows(days * 86400).at(-1)).toBe(days * 86400);
    }
    expect(burnAlertWindows(7 * 86400).map((r) => `${promDuration(r.longS)}/${promDuration(r.shortS)}`)).toEqual(['14m/1m10s', '1h24m/7m', '5h36m/28m', '16h48m/1h24m']);
  });
});
