// A problem in obsctl.yaml, located in the file. Schema errors, YAML syntax errors and cross-field
// rule violations all become this one shape so they print the same way.
import { MAX_ECHO, MAX_REPORTED_ISSUES } from './limits.js';

export interface ConfigIssue {
  /** Stable machine-readable code, e.g. invalid_type, unknown_key, port_clash. */
  code: string;
  severity: 'error' | 'warning';
  /** Dotted key path, e.g. targets[0].urls. Empty for the document root. */
  path: string;
  message: string;
  hint?: string;
  line?: number;
  col?: number;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** `file:line:col severity at path: message`, the offending line with a caret, and the hint. */
export function formatIssue(file: string, source: string | undefined | readonly string[], issue: ConfigIssue): string[] {
  const where = issue.line ? `${file}:${issue.line}:${issue.col ?? 1}` : file;
  const at = issue.path ? ` at ${bounded(printable(issue.path))}` : '';
  const lines = [`${where} ${issue.severity}${at}: ${bounded(printable(issue.message))}`];
  const sourceLines = typeof source === 'string' ? source.split('\n') : source;
  if (sourceLines !== undefined && issue.line) {
    const text = sourceLines[issue.line - 1];
    if (text !== undefined) {
      const gutter = String(issue.line).length;
      const { echo, caret } = echoLine(text.replace(/\r$/, ''), (issue.col ?? 1) - 1);
      lines.push(`  ${issue.line} | ${echo}`);
      lines.push(`  ${' '.repeat(gutter)} | ${' '.repeat(caret)}^`);
    }
  }
  if (issue.hint) lines.push(`  hint: ${printable(issue.hint)}`);
  return lines;
}

/**
 * The issues of one file, splitting the source once (not once per issue): the first
 * MAX_REPORTED_ISSUES in full, then one line that counts the ones not shown (they are still counted
 * in the "has N problems" summary the caller prints).
 */
export function formatIssues(file: string, source: string | undefined, issues: readonly ConfigIssue[]): string[] {
  const shown = issues.slice(0, MAX_REPORTED_ISSUES);
  // Only the lines up to the last one echoed are split out of a large file.
  const last = shown.reduce((n, i) => Math.max(n, i.line ?? 0), 0);
  const lines = source === undefined ? undefined : firstLines(source, last);
  const out = shown.flatMap((i) => formatIssue(file, lines, i));
  const more = issues.length - shown.length;
  if (more > 0) out.push(`${file}: ${more} more ${issues.every((i) => i.severity === 'warning') ? 'warnings' : 'problems'} not shown (the first ${shown.length} are above); fix those and run again to see the rest.`);
  return out;
}

function firstLines(source: string, count: number): string[] {
  const lines: string[] = [];
  let from = 0;
  while (lines.length < count) {
    const end = source.indexOf('\n', from);
    if (end === -1) {
      lines.push(source.slice(from));
      break;
    }
    lines.push(source.slice(from, end));
    from = end + 1;
  }
  return lines;
}

// Control characters and bidi overrides from obsctl.yaml must not reach the terminal raw (an ANSI
// escape in a key could rewrite the screen): they are shown as \u001b and the like.
const unprintable = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
export const printable = (text: string) => text.replace(unprintable, (c) => (c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

/** A key or value of thousands of characters is echoed in the message by its ends and its length. */
const bounded = (text: string): string =>
  text.length <= MAX_ECHO ? text : text.replace(new RegExp(`[^\\s"]{${MAX_ECHO + 1},}`, 'g'), (run) => `${run.slice(0, MAX_ECHO / 2)}…(${run.length} characters)…${run.slice(-16)}`);

/** At most MAX_ECHO characters of the line, around the column, with the caret's new position. */
function echoLine(text: string, col: number): { echo: string; caret: number } {
  const from = text.length > MAX_ECHO ? Math.max(0, Math.min(col - MAX_ECHO / 2, text.length - MAX_ECHO)) : 0;
  const cut = text.slice(from, from + MAX_ECHO);
  const head = from > 0 ? '…' : '';
  const tail = from + MAX_ECHO < text.length ? '…' : '';
  const caret = head.length + printable(cut.slice(0, Math.max(0, col - from))).length;
  return { echo: head + printable(cut) + tail, caret };
}

/** Levenshtein distance, for "did you mean" on unknown keys. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Only suggest when the typo is small relative to the word.
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
