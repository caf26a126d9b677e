// Alert packs in alerts/ are YAML with placeholders for the thresholds a user sets in obsctl.yaml:
//   <<gpu.temperature_warning_celsius>>        the value
//   <<gpu.temperature_warning_celsius+5>>      the value plus (or -, *, /) a literal number
// The same substitution runs over rule files and their promtool test files, so tests follow the
// thresholds the user chose. `{{ }}` and `$value` stay untouched: they belong to Prometheus.

export type ThresholdValues = Record<string, number>;

const PLACEHOLDER = /<<\s*([a-z_]+\.[a-z0-9_]+)\s*(?:([-+*/])\s*(-?\d+(?:\.\d+)?))?\s*>>/g;

/** Flattens `{gpu: {enabled: true, x: 1}}` into `{'gpu.x': 1}` (numbers only). */
export function thresholdValues(alerts: Record<string, Record<string, unknown>>): ThresholdValues {
  const out: ThresholdValues = {};
  for (const [pack, settings] of Object.entries(alerts)) {
    for (const [key, value] of Object.entries(settings)) {
      if (typeof value === 'number') out[`${pack}.${key}`] = value;
    }
  }
  return out;
}

/** Formats a number the way PromQL and promtool series notation read it (no exponent, no float noise). */
export function formatNumber(n: number): string {
  const rounded = Math.round(n * 1e9) / 1e9;
  return Number.isInteger(rounded) ? String(rounded) : String(rounded);
}

export function substituteThresholds(text: string, values: ThresholdValues, source = 'alerts'): string {
  return text.replace(PLACEHOLDER, (_match, name: string, op?: string, operand?: string) => {
    const base = values[name];
    if (base === undefined) {
      // A pack naming an unknown threshold is a bug in obsctl, not user error.
      throw new Error(`${source}: placeholder <<${name}>> names no threshold in the obsctl.yaml schema`);
    }
    if (!op || operand === undefined) return formatNumber(base);
    const n = Number(operand);
    const result = op === '+' ? base + n : op === '-' ? base - n : op === '*' ? base * n : base / n;
    return formatNumber(result);
  });
}

/** Placeholders left after substitution mean a malformed one (e.g. `<<gpu.x + y>>`). */
export function findUnresolved(text: string): string[] {
  return [...text.matchAll(/<<[^>]*>>/g)].map((m) => m[0]);
}
