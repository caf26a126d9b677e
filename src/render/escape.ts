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

// Alertmanager runs some receiver fields (slack channel, email to/from) through Go's text/template,
// and Prometheus runs alert annotations through it: `{{` in user text would start an action (a
// parse error, or worse, one that runs). Go templates have no escape character; the literal way is
// an action that prints a Go string literal, `{{ "a{{b" }}`. Only text that needs it is wrapped (a
// trailing `{` too: followed by a `{{` of the surrounding text it would open an action).

/** User text for a field that is a Go template, printing exactly as typed. */
export function goTemplateLiteral(text: string): string {
  if (!/\{\{|\}\}|\{$/.test(text)) return text;
  // JSON string syntax is valid Go string syntax (\" \\ \n \uXXXX); lone surrogates are not, so
  // they become U+FFFD first.
  return `{{ ${JSON.stringify(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'))} }}`;
}

/** Every value of an annotations (or similar) mapping, as Go template literals. */
export const goTemplateLiterals = (values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, goTemplateLiteral(v)]));
