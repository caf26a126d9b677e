// obsctl.yaml text -> a YAML Document and its plain JS value, or located issues. Everything here is
// linear in the size of the file and bounded (src/config/limits.ts), and nothing throws for bad
// input: too-deep nesting, alias bombs and loops, undefined aliases, duplicate keys, keys that are
// not names, unsupported tags and merge keys on non-mappings are all reported at their line.
//
// Aliases (`&a` / `*a`) are YAML and work, up to MAX_EXPANDED_VALUES values after expansion.
// Merge keys (`<<: *defaults`) work too, in YAML 1.2 files as in 1.1 ones: users copy them from
// Compose files and CI configs, and a rejected `<<` only sends them to duplicate by hand.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './issues.js';
import { MAX_ALIASES, MAX_EXPANDED_VALUES, MAX_NESTING } from './limits.js';
import { scanNesting } from './nesting.js';

export interface YamlSource {
  doc?: Document;
  lineCounter: LineCounter;
  /** The document as plain data (when there were no issues). */
  value?: unknown;
  issues: ConfigIssue[];
}

/** Explicit tags obsctl.yaml may carry: the YAML 1.2 core types, e.g. `!!str 8080`. */
const allowedTags = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));
// Control characters (and Unicode bidi overrides) have no place in any obsctl.yaml value or key.
const controlChar = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    lineCounter.lineStarts.length || primeLineCounter(lineCounter, text);
    return lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
  };
  const issue = (offset: number, code: string, message: string, hint?: string): ConfigIssue => ({
    code,
    severity: 'error',
    path: '',
    message,
    ...(hint ? { hint } : {}),
    ...at(offset),
  });

  const scan = scanNesting(text, MAX_NESTING);
  if (scan.tooDeepAt !== undefined) {
    return {
      lineCounter,
      issues: [issue(scan.tooDeepAt, 'too_deep', `nested more than ${MAX_NESTING} levels deep`, 'obsctl.yaml needs at most 7 levels of nesting; check for runaway brackets or indentation.')],
    };
  }

  // uniqueKeys: false because the library's duplicate check is quadratic; done below in one pass.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const seen = new Set<string>();
    const issues = doc.errors.flatMap((e) => {
      const mapped = syntaxIssue(e.code, e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), e.pos[0], scan.unclosed, text);
      const out = issue(mapped.offset, `yaml_${e.code.toLowerCase()}`, mapped.message, mapped.hint);
      // One cause often yields several library errors at one spot; say it once.
      const key = `${out.line}:${out.col}:${out.message}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [out];
    });
    return { doc, lineCounter, issues: issues.slice(0, 50) };
  }

  const issues = checkStructure(doc, issue).sort((a, b) => a.line! - b.line! || a.col! - b.col!);
  if (issues.length > 0) return { doc, lineCounter, issues };
  try {
    return { doc, lineCounter, value: doc.toJS({ maxAliasCount: -1 }) ?? {}, issues: [] };
  } catch (e) {
    // Not expected after the checks above; still a config problem, not a crash.
    return { doc, lineCounter, issues: [issue(0, 'yaml_unreadable', `cannot be read as YAML data: ${(e as Error).message}`)] };
  }
}

function primeLineCounter(lineCounter: LineCounter, text: string): void {
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
}

function syntaxIssue(code: string, message: string, offset: number, unclosed: number[], text: string): { offset: number; message: string; hint?: string } {
  if (code === 'MULTIPLE_DOCS') {
    return { offset, message: 'YAML syntax: more than one document (a `---` line starts another); obsctl.yaml holds one document only', hint: 'Remove the second `---` and what follows it, or merge the two into one mapping.' };
  }
  if (code === 'RESOURCE_EXHAUSTION') {
    return { offset, message: 'YAML syntax: nested too deeply to read', hint: 'obsctl.yaml needs at most 7 levels of nesting.' };
  }
  const flowEnd = /end with an? ([\]}])|Missing , or : between flow map items|flow (sequence|mapping|collection)/i.exec(message);
  if (flowEnd && unclosed.length > 0) {
    const open = unclosed[unclosed.length - 1]!;
    const close = text[open] === '[' ? ']' : '}';
    return { offset: open, message: `YAML syntax: this ${text[open]} is never closed`, hint: `Close it with ${close} (a flow ${close === ']' ? 'list' : 'mapping'} must end before the next key at its indentation).` };
  }
  if (code === 'TAB_AS_INDENT' || /tab/i.test(message)) {
    return { offset, message: `YAML syntax: ${message}`, hint: 'Indent with spaces; YAML does not allow tabs for indentation.' };
  }
  return { offset, message: `YAML syntax: ${message}`, hint: 'Check indentation (spaces, not tabs) and that every key ends with a colon.' };
}

type MakeIssue = ((offset: number, code: string, message: string, hint?: string) => ConfigIssue) & { lineOf?: (offset: number) => number };

/** One pass over the document: keys, tags, control characters, aliases and merge keys. */
function checkStructure(doc: Document, issue: MakeIssue): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const aliases: Alias[] = [];
  const start = (n: { range?: [number, number, number] | null } | null | undefined) => n?.range?.[0] ?? 0;
  const stack: unknown[] = doc.contents ? [doc.contents] : [];
  while (stack.length > 0 && issues.length < 1000) {
    const node = stack.pop();
    if (isAlias(node)) {
      aliases.push(node);
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const tag = (node as Node).tag;
    if (tag && !allowedTags.has(tag)) {
      issues.push(issue(start(node as Node), 'yaml_tag', `the tag ${tag.replace('tag:yaml.org,2002:', '!!')} is not supported here`, 'Remove the tag; obsctl.yaml takes plain text, numbers, true/false, lists and mappings.'));
      continue;
    }
    if (isScalar(node)) {
      if (typeof node.value === 'string' && controlChar.test(node.value)) {
        const ch = controlChar.exec(node.value)![0];
        issues.push(issue(start(node), 'control_character', `contains the control character ${escapeChar(ch)}; obsctl.yaml values are single-line text`, 'Remove it (a line break inside a value, an escape sequence, a stray byte?).'));
      }
      continue;
    }
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isScalar(key) && key.value === null && key.source) key.value = key.source; // `null:` / `~:` is the key "null" / "~", not ""
        if (isScalar(key) && key.source === '<<' && !isAlias(pair.value) && !isMap(pair.value) && !isSeq(pair.value)) {
          issues.push(issue(start(key), 'merge_value', 'a merge key (<<) takes a mapping or an alias of one', 'Write it as `<<: *defaults`, where `&defaults` marks a mapping above.'));
        } else if (isScalar(key) && key.source === '<<') {
          if (seen.has('<<')) issues.push(issue(start(key), 'duplicate_key', 'a second merge key (<<) in this mapping', 'Merge several mappings with one key: `<<: [*a, *b]`.'));
          seen.set('<<', start(key));
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const s of sources) {
            const target = isAlias(s) ? resolveAlias(doc, s) : s;
            if (target && !isMap(target) && !isAlias(s)) issues.push(issue(start(s as Node), 'merge_value', 'a merge key (<<) takes mappings or aliases of mappings', 'Write it as `<<: [*a, *b]`.'));
            else if (isAlias(s) && target && !isMap(target)) issues.push(issue(start(s), 'merge_value', `*${s.source} is not a mapping, so it cannot be merged`, 'A merge key (<<) takes aliases of mappings.'));
          }
        } else if (isScalar(key) || key === null) {
          const name = key === null ? '' : String(key.value);
          // JS objects treat this key specially and schema libraries skip it: reject it rather
          // than let it vanish. (No obsctl setting or label may be named so.)
          if (name === '__proto__') issues.push(issue(start(key), 'reserved_key', 'the key "__proto__" is not a setting or a label name obsctl can keep', 'Remove it, or rename it.'));
          const first = seen.get(name);
          if (first !== undefined) {
            issues.push(issue(start(key), 'duplicate_key', `the key "${name}" appears twice in this mapping (first on line ${issue(first, '', '').line})`, 'Keep one of them; YAML does not allow repeated keys.'));
          } else seen.set(name, start(key));
          if (isScalar(key)) stack.push(key);
        } else {
          issues.push(issue(start(key), 'key_not_a_name', `a key must be a plain name, found ${isAlias(key) ? 'an alias' : isSeq(key) ? 'a list' : 'a mapping'}`, 'Write keys as names followed by a colon, e.g. `name: value`.'));
        }
        stack.push(pair.value);
      }
      continue;
    }
    if (isSeq(node)) for (const item of node.items) stack.push(isPair(item) ? item.value : item);
  }
  if (issues.length > 0) return issues;
  return checkAliases(doc, aliases, issue);
}

function escapeChar(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Undefined aliases, aliases inside what they refer to, and expansion beyond the bound. */
function checkAliases(doc: Document, aliases: Alias[], issue: MakeIssue): ConfigIssue[] {
  if (aliases.length === 0) return [];
  const issues: ConfigIssue[] = [];
  if (aliases.length > MAX_ALIASES) {
    const extra = aliases.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0))[MAX_ALIASES]!;
    return [issue(extra.range?.[0] ?? 0, 'too_many_aliases', `more than ${MAX_ALIASES.toLocaleString('en-US')} aliases (*name) in one file`, 'Write repeated values out, or reuse larger pieces with fewer aliases.')];
  }
  // Converting to data still costs (aliases x anchors) in the library: both are bounded.
  const { anchors } = aliasIndex(doc);
  if (anchors.length > MAX_ALIASES) {
    return [issue(anchors[MAX_ALIASES]!.range?.[0] ?? 0, 'too_many_aliases', `more than ${MAX_ALIASES.toLocaleString('en-US')} anchors (&name) in a file that uses aliases`, 'Mark only the values you reuse.')];
  }
  const targets = new Map<Alias, Node>();
  for (const alias of aliases) {
    const target = resolveAlias(doc, alias);
    if (!target) issues.push(issue(alias.range?.[0] ?? 0, 'undefined_alias', `*${alias.source} refers to no anchor: nothing above it is marked &${alias.source}`, `Mark the value to reuse with &${alias.source} before this line, or write the value here.`));
    else targets.set(alias, target);
  }
  if (issues.length > 0) return issues;

  // Values after expansion (and their depth), memoized per node: linear in the document, however
  // much the aliases multiply.
  const sizes = new Map<unknown, number>();
  const depths = new Map<unknown, number>();
  const visiting = new Set<unknown>();
  let loop: Alias | undefined;
  const size = (root: unknown): number => {
    const known = sizes.get(root);
    if (known !== undefined) return known;
    if (visiting.has(root)) return 0;
    visiting.add(root);
    let n = 1;
    let d = 0;
    const child = (c: unknown) => {
      n += size(c);
      d = Math.max(d, depths.get(c) ?? 0);
    };
    if (isAlias(root)) {
      const target = targets.get(root);
      if (target && visiting.has(target)) loop ??= root;
      n = target ? size(target) : 1;
      d = (target && depths.get(target)) ?? 0;
    } else if (isMap(root)) {
      for (const p of root.items) {
        child(p.key);
        child(p.value);
      }
      d++;
    } else if (isSeq(root)) {
      for (const item of root.items) child(item);
      d++;
    }
    visiting.delete(root);
    sizes.set(root, n);
    depths.set(root, d);
    return n;
  };
  let total: number;
  try {
    total = size(doc.contents);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    total = Infinity;
  }
  if (!loop && (depths.get(doc.contents) ?? Infinity) > MAX_NESTING) {
    let deepest = aliases[0]!;
    for (const a of aliases) if ((depths.get(a) ?? Infinity) > (depths.get(deepest) ?? 0)) deepest = a;
    return [issue(deepest.range?.[0] ?? 0, 'too_deep', `aliases nest values more than ${MAX_NESTING} levels deep`, 'obsctl.yaml needs at most 7 levels of nesting; check for aliases that refer to each other in a chain.')];
  }
  if (loop) return [issue(loop.range?.[0] ?? 0, 'alias_loop', `*${loop.source} is inside the value marked &${loop.source}, so it would contain itself`, 'An alias can only repeat a value defined completely above it.')];
  if (total > MAX_EXPANDED_VALUES) {
    let worst = aliases[0]!;
    for (const a of aliases) if ((sizes.get(a) ?? 0) > (sizes.get(worst) ?? 0)) worst = a;
    return [issue(worst.range?.[0] ?? 0, 'alias_bomb', `aliases expand obsctl.yaml to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values (*${worst.source} alone is ${formatCount(sizes.get(worst) ?? 0)})`, 'Reuse values a bounded number of times; nested aliases multiply (an "alias bomb").')];
  }
  return [];
}

const formatCount = (n: number) => (n > 1e12 ? 'more than a trillion' : Math.round(n).toLocaleString('en-US'));

// The library's Alias.resolve() walks the whole document for every alias (quadratic: 2,000
// chained aliases took minutes). One walk in document order resolves them all, with the same rule:
// the last anchor of that name before the alias (a collection's anchor comes before its content).
const resolved = new WeakMap<Document, { targets: Map<Alias, Node | undefined>; anchors: Node[] }>();
function aliasIndex(doc: Document) {
  let index = resolved.get(doc);
  if (!index) {
    const current = new Map<string, Node>();
    const targets = new Map<Alias, Node | undefined>();
    const anchors: Node[] = [];
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node)) targets.set(node, current.get(node.source));
        else if (node.anchor) {
          current.set(node.anchor, node);
          anchors.push(node);
        }
      },
    });
    index = { targets, anchors };
    resolved.set(doc, index);
  }
  return index;
}
export const resolveAlias = (doc: Document, alias: Alias): Node | undefined => aliasIndex(doc).targets.get(alias);
