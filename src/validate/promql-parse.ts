/** PromQL syntax check with lezer-promql, tolerant of Grafana template variables. */
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlSyntaxError {
  /** Offset in the original expression. */
  offset: number;
  /** 1-based line and column in the original expression. */
  line: number;
  column: number;
  /** Up to 20 characters of the original expression from the error on. */
  near: string;
}

interface Substitution {
  text: string;
  /** Offset in `text` → offset in the original expression. */
  toOriginal(offset: number): number;
}

// ${var}, ${var:format}, ${var.field}, [[var]], [[var:format]], $var
const GRAFANA_VAR = /\$\{([A-Za-z0-9_]+)[^}]*\}|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]|\$([A-Za-z0-9_]+)/y;

/**
 * Replaces Grafana variables outside string literals with stand-ins that parse in their place:
 * a duration inside `[...]` or after `offset`, a number after `@`, an identifier elsewhere (works
 * as a metric name, label name, or function argument). Variables inside strings stay as they are.
 */
export function substituteGrafanaVariables(expr: string): Substitution {
  let text = '';
  // [newStart, newEnd, origStart, origEnd] of each replacement, in order
  const spans: [number, number, number, number][] = [];
  let quote: string | null = null;
  let bracketDepth = 0;
  for (let i = 0; i < expr.length; ) {
    const c = expr[i]!;
    if (quote) {
      text += c;
      if (c === '\\' && quote !== '`' && i + 1 < expr.length) text += expr[++i]!;
      else if (c === quote) quote = null;
      i++;
      continue;
    }
    if (c === '$' || (c === '[' && expr[i + 1] === '[')) {
      GRAFANA_VAR.lastIndex = i;
      const m = GRAFANA_VAR.exec(expr);
      if (m) {
        const name = (m[1] ?? m[2] ?? m[3])!;
        const before = text.trimEnd();
        let standIn: string;
        if (bracketDepth > 0 || /\boffset$/i.test(before)) standIn = '5m';
        else if (before.endsWith('@')) standIn = '1';
        else standIn = `grafana_var_${name}`;
        spans.push([text.length, text.length + standIn.length, i, i + m[0].length]);
        text += standIn;
        i += m[0].length;
        continue;
      }
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '[') bracketDepth++;
    else if (c === ']') bracketDepth = Math.max(0, bracketDepth - 1);
    text += c;
    i++;
  }
  return {
    text,
    toOriginal(offset) {
      let shift = 0;
      for (const [ns, ne, os, oe] of spans) {
        if (offset < ns) break;
        if (offset < ne) return os;
        shift = oe - ne;
      }
      return offset + shift;
    },
  };
}

function lineColumn(expr: string, offset: number): { line: number; column: number } {
  const before = expr.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** Syntax errors of a PromQL expression (empty when it parses), positions in `expr`. */
export function promqlSyntaxErrors(expr: string): PromqlSyntaxError[] {
  if (!expr.trim()) return [{ offset: 0, line: 1, column: 1, near: '' }];
  const sub = substituteGrafanaVariables(expr);
  const offsets = new Set<number>();
  parser.parse(sub.text).iterate({
    enter(node) {
      if (node.type.isError) offsets.add(Math.min(sub.toOriginal(node.from), expr.length));
    },
  });
  return [...offsets]
    .sort((a, b) => a - b)
    .map((offset) => ({ offset, ...lineColumn(expr, offset), near: expr.slice(offset, offset + 20) }));
}

/** `1:12 near "== )"` or `1:20 at end of expression`. */
export function formatSyntaxError(e: PromqlSyntaxError): string {
  const where = `${e.line}:${e.column}`;
  if (e.offset === 0 && e.near === '') return 'empty expression';
  return e.near.trim() ? `${where} near ${JSON.stringify(e.near.split('\n')[0])}` : `${where} at end of expression`;
}
