// Turns the text of obsctl.yaml into a Config, or into located issues. Never throws for bad input:
// YAML syntax errors, schema errors and cross-field rules all come back as ConfigIssue[] so the CLI
// can report every problem at once (file:line:col, the line, a hint) and write nothing.
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { closest, formatPath, type ConfigIssue } from './issues.js';
import { allowedKeys, locateKey, locateValue, schemaAt } from './locate.js';
import { crossFieldRules } from './rules.js';
import { missingSecrets, type SecretEnvironment } from './secrets.js';

export interface LoadResult {
  config?: Config;
  /** The parsed YAML before defaults; rules use it to tell "set by the user" from "default". */
  raw?: unknown;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

export function parseConfigText(text: string, environment?: SecretEnvironment): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax: ConfigIssue[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      code: `yaml_${e.code.toLowerCase()}`,
      severity: 'error' as const,
      path: '',
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
      hint: 'Check indentation (spaces, not tabs) and that every key ends with a colon.',
      line: pos.line,
      col: pos.col,
    };
  });
  if (syntax.length > 0) return { errors: syntax, warnings: [] };

  const raw = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      errors: [{ code: 'not_a_map', severity: 'error', path: '', message: `expected a mapping of settings (key: value), found ${describe(raw)}`, line: 1, col: 1 }],
      warnings: [],
    };
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    return { raw, errors: parsed.error.issues.flatMap((i) => schemaIssues(i, raw, doc, lineCounter)), warnings: [] };
  }
  const ruled = crossFieldRules(parsed.data, raw);
  if (environment) ruled.errors.push(...missingSecrets(parsed.data, environment));
  const locate = (issue: ConfigIssue & { at?: PropertyKey[] }): ConfigIssue => {
    const { at, ...rest } = issue;
    const pos = at ? locateValue(doc, lineCounter, at) : undefined;
    return pos ? { ...rest, ...pos } : rest;
  };
  const errors = ruled.errors.map(locate);
  const warnings = ruled.warnings.map(locate);
  return errors.length > 0 ? { raw, errors, warnings } : { config: parsed.data, raw, errors, warnings };
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p as string] : undefined;
  return v;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
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
      const pos = locateKey(doc, lineCounter, path, key) ?? locateValue(doc, lineCounter, path);
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
  const pos = locateValue(doc, lineCounter, path);
  return [{ code: issue.code, severity: 'error', path: formatPath(path), message: explain(issue, found, raw), ...pos }];
}

const kindOf = (expected: string) => (expected === 'object' ? 'a mapping' : expected === 'array' ? 'a list' : `a ${expected}`);

/** "expected X, found Y" in words a user can act on. */
function explain(issue: z.core.$ZodIssue, found: unknown, raw: unknown): string {
  const foundText = `found ${describe(found)}`;
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
      return `${issue.message.replace(/^Too (small|big): /, '')}, ${foundText}`;
    }
    default:
      return `${issue.message}, ${foundText}`;
  }
}

