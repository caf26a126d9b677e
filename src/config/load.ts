// Turns the text of obsctl.yaml into a Config, or into located issues. Never throws for bad input:
// YAML syntax errors, schema errors and cross-field rules all come back as ConfigIssue[] so the CLI
// can report every problem at once (file:line:col, the line, a hint) and write nothing.
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { closest, formatPath, type ConfigIssue } from './issues.js';
import { allowedKeys, locateKey, locateValue, schemaAt, sourceAt } from './locate.js';
import { readYaml } from './yaml-source.js';
import { crossFieldRules } from './rules.js';
import { missingSecrets, type SecretEnvironment } from './secrets.js';

export interface LoadResult {
  config?: Config;
  /** The parsed YAML before defaults; rules use it to tell "set by the user" from "default". */
  raw?: unknown;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/** Parses obsctl.yaml text. Linear in its size; see limits.ts for the bounds and read.ts for files. */
export function parseConfigText(text: string, environment?: SecretEnvironment): LoadResult {
  const source = readYaml(text);
  if (source.issues.length > 0 || !source.doc) return { errors: source.issues, warnings: [] };
  const { doc, lineCounter } = source;
  const raw = source.value ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) {
    const pos = locateValue(doc, lineCounter, []) ?? { line: 1, col: 1 };
    return {
      errors: [{ code: 'not_a_map', severity: 'error', path: '', message: `expected a mapping of settings (key: value), found ${describe(raw)}`, ...pos }],
      warnings: [],
    };
  }
  const parsed = configSchema.safeParse(withoutExtensions(raw as Record<string, unknown>));
  if (!parsed.success) {
    return { raw, errors: parsed.error.issues.flatMap((i) => schemaIssues(i, raw, doc, lineCounter)), warnings: [] };
  }
  const ruled = crossFieldRules(parsed.data, raw);
  if (environment) ruled.errors.push(...missingSecrets(parsed.data, environment));
  const locate = (issue: ConfigIssue & { at?: PropertyKey[] }): ConfigIssue => {
    const { at, ...rest } = issue;
    const pos = (at ? locateValue(doc, lineCounter, at) : undefined) ?? locateValue(doc, lineCounter, []) ?? { line: 1, col: 1 };
    return { ...rest, ...pos };
  };
  const errors = ruled.errors.map(locate);
  const warnings = ruled.warnings.map(locate);
  return errors.length > 0 ? { raw, errors, warnings } : { config: parsed.data, raw, errors, warnings };
}

// Top-level keys starting with `x-` are ignored, as in Compose files: the place to define anchors
// (`x-defaults: &defaults ...`) for aliases and merge keys (`<<: *defaults`) elsewhere.
function withoutExtensions(raw: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(raw);
  if (!keys.some((k) => k.startsWith('x-'))) return raw;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k.startsWith('x-')) continue;
    if (k === '__proto__') Object.defineProperty(out, k, { value: raw[k], enumerable: true, writable: true, configurable: true });
    else out[k] = raw[k];
  }
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p as string] : undefined;
  return v;
}

export function describe(value: unknown, written?: string): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    const what = Number.isNaN(value) ? 'not a number' : 'infinite: too large for a number';
    return written ? `${written} (${what})` : what;
  }
  if (typeof value === 'number' && written && written !== String(value)) return `the number ${written}`;
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function schemaIssues(issue: z.core.$ZodIssue, raw: unknown, doc: Document, lineCounter: LineCounter): ConfigIssue[] {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(configSchema, path, raw);
    return issue.keys.map((key) => {
      const suggestion = closest(key, allowed);
      const pos = locateKey(doc, lineCounter, path, key) ?? locateValue(doc, lineCounter, path) ?? { line: 1, col: 1 };
      return {
        code: 'unknown_key',
        severity: 'error' as const,
        path: formatPath([...path, key]),
        message: `unknown key "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        hint: `Allowed here: ${allowed.join(', ')}.`,
        ...pos,
      };
    });
  }
  const found = valueAt(raw, path);
  // A bad key (in labels) is shown at the key, not at its value.
  const keyPos = issue.code === 'invalid_key' && path.length > 0 ? locateKey(doc, lineCounter, path.slice(0, -1), path.at(-1)!) : undefined;
  const pos = keyPos ?? locateValue(doc, lineCounter, path) ?? { line: 1, col: 1 };
  // The text as written matters only for numbers (`.nan`, `1e400`): looked up for those alone.
  const written = typeof found === 'number' ? sourceAt(doc, path) : undefined;
  return [{ code: issue.code, severity: 'error', path: formatPath(path), message: explain(issue, found, raw, written), ...pos }];
}

const kindOf = (expected: string) => (expected === 'object' ? 'a mapping' : expected === 'array' ? 'a list' : `a ${expected}`);

/** "expected X, found Y" in words a user can act on. */
function explain(issue: z.core.$ZodIssue, found: unknown, raw: unknown, written?: string): string {
  const foundText = `found ${describe(found, written)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (found === undefined) return `required setting is missing (expected ${kindOf(issue.expected)})`;
      return `expected ${kindOf(issue.expected)}, ${foundText}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, ${foundText}`;
    case 'invalid_format':
      return `expected ${issue.message.startsWith('Invalid') ? `a ${issue.format}` : issue.message}, ${foundText}`;
    case 'invalid_key':
      return `"${String(issue.path.at(-1))}" is not a valid key here: expected ${issue.issues[0]?.message ?? 'a different name'}`;
    case 'custom':
      return `expected ${issue.message}, ${foundText}`;
    case 'invalid_union': {
      const schema = schemaAt(configSchema, issue.path as PropertyKey[], raw, false);
      if (schema?.description?.startsWith('a secret reference')) {
        return `expected a secret reference {env: NAME} or {file: PATH} (never the secret itself), ${foundText}`;
      }
      if (issue.path.at(-1) === 'type') {
        const kinds = ['webhook', 'slack', 'email', 'pagerduty'];
        const guess = typeof found === 'string' ? closest(found, kinds) : undefined;
        return `expected type to be one of ${kinds.join(', ')}, ${foundText}${guess ? `; did you mean "${guess}"?` : ''}`;
      }
      return `${issue.message}, ${foundText}`;
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array') return `expected ${word} ${bound} item${bound === 1 ? '' : 's'}, found ${Array.isArray(found) ? found.length : describe(found)}`;
      if (issue.origin === 'number') return `expected a number ${issue.code === 'too_small' ? '>=' : '<='} ${bound}, ${foundText}`;
      if (!/^Too (small|big)/.test(issue.message)) return `expected ${issue.message}, ${foundText}`;
      return `${issue.message.replace(/^Too (small|big): /, '')}, ${foundText}`;
    }
    default:
      return `${issue.message}, ${foundText}`;
  }
}

