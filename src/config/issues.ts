// A problem in obsctl.yaml, located in the file. Schema errors, YAML syntax errors and cross-field
// rule violations all become this one shape so they print the same way.

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
export function formatIssue(file: string, source: string | undefined, issue: ConfigIssue): string[] {
  const where = issue.line ? `${file}:${issue.line}:${issue.col ?? 1}` : file;
  const at = issue.path ? ` at ${issue.path}` : '';
  const lines = [`${where} ${issue.severity}${at}: ${issue.message}`];
  if (source !== undefined && issue.line) {
    const text = source.split(/\r?\n/)[issue.line - 1];
    if (text !== undefined) {
      const gutter = String(issue.line).length;
      lines.push(`  ${issue.line} | ${text}`);
      lines.push(`  ${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, (issue.col ?? 1) - 1))}^`);
    }
  }
  if (issue.hint) lines.push(`  hint: ${issue.hint}`);
  return lines;
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
