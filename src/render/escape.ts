// User text lands in files that other programs interpolate: Docker Compose replaces `$VAR` and
// `${VAR}` in every value of compose.yaml, and Prometheus 3 expands `${VAR}` in external_labels.
// Both read `$$` as a literal `$`. So a value typed into obsctl.yaml reaches those programs exactly
// as typed (a Grafana user named `$HOME` stays `$HOME`), and cannot pull in the environment.

/** One string, for Compose or Prometheus external_labels: `$` -> `$$`. */
export const literalDollars = (text: string): string => text.replaceAll('$', '$$$$');

/** Every string value (not key) of a Compose document, escaped for Compose interpolation. */
export function composeLiteral<T>(value: T): T {
  if (typeof value === 'string') return literalDollars(value) as T;
  if (Array.isArray(value)) return value.map(composeLiteral) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = composeLiteral(v);
    return out as T;
  }
  return value;
}

/** Label values for Prometheus external_labels, escaped for its environment expansion. */
export const externalLabelsLiteral = (labels: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, literalDollars(v)]));
