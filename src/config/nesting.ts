// A cheap, linear look at the raw text before the YAML library sees it. The library composes
// nested collections recursively and slowly (100,000 `[` take it ~10 s of CPU and then a stack
// overflow), so a file nested deeper than MAX_NESTING is refused here, at the line where it got too
// deep. It also remembers where each flow collection (`[`, `{`) opened, so "unclosed" can point at
// the opening bracket rather than at the end of the file. Quotes and comments are skipped; the count
// is an upper bound that real obsctl.yaml files (7 levels) never come near.

export interface NestingScan {
  /** Offset where nesting first went past the limit, if it did. */
  tooDeepAt?: number;
  depth: number;
  /** Offsets of `[`/`{` still open at the end of the text, outermost first. */
  unclosed: number[];
}

export function scanNesting(text: string, limit: number): NestingScan {
  const flow: number[] = [];
  /** Indentation columns of the open block collections (plus compact `- ` items on one line). */
  const blocks: number[] = [];
  let depth = 0;
  let i = 0;
  let lineStart = true;
  let col = 0;
  const tooDeep = (at: number): NestingScan => ({ tooDeepAt: at, depth, unclosed: flow });
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      col = 0;
      i++;
      continue;
    }
    if (lineStart) {
      // Indentation and block indicators (`- `, `? `) open block levels; a line indented no deeper
      // than an open level closes it.
      let j = i;
      while (text[j] === ' ') j++;
      const indent = j - i;
      if (text[j] === '\n' || text[j] === '#' || text[j] === '\r' || text[j] === '\t' || text[j] === undefined) {
        // A blank or comment-only line opens nothing: skip to its end (the newline resets lineStart).
        const eol = text.indexOf('\n', j);
        i = eol === -1 ? text.length : eol;
        continue;
      }
      if (flow.length === 0) {
        while (blocks.length && blocks[blocks.length - 1]! >= indent) blocks.pop();
        blocks.push(indent);
        let k = j;
        while ((text[k] === '-' || text[k] === '?') && (text[k + 1] === ' ' || text[k + 1] === '\t')) {
          k += 2;
          while (text[k] === ' ') k++;
          blocks.push(k - i);
        }
        if (blocks.length + flow.length > depth) depth = blocks.length + flow.length;
        if (depth > limit) return tooDeep(j);
      }
      lineStart = false;
      col = indent;
      i = j;
      continue;
    }
    if (c === '#' && (col === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const prev = text[i - 1];
    const startsScalar = prev === undefined || prev === ' ' || prev === '\t' || prev === '[' || prev === '{' || prev === ',' || prev === ':' || prev === '\n';
    if ((c === '"' || c === "'") && startsScalar) {
      i = skipQuoted(text, i);
      continue;
    }
    if (c === '[' || c === '{') {
      flow.push(i);
      if (blocks.length + flow.length > depth) depth = blocks.length + flow.length;
      if (depth > limit) return tooDeep(i);
    } else if ((c === ']' || c === '}') && flow.length) flow.pop();
    i++;
    col++;
  }
  return { depth, unclosed: flow };
}

function skipQuoted(text: string, start: number): number {
  const q = text[start];
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (q === '"' && c === '\\') i += 2;
    else if (c === q) {
      if (q === "'" && text[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}
