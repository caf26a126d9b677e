// The `rule_files:` entry of a promtool test file, read and rewritten as text. Rendering used to
// parse every test file into a YAML Document and print it back only to change this one entry: most
// of a cold `obsctl render` (issue 15). Now only the entry itself is parsed; the rest of the file
// is kept byte for byte as written in alerts/.
import { parse } from 'yaml';

export interface RuleFilesEntry {
  files: string[];
  /** Offsets of the entry (key line and its value lines) in the text. */
  start: number;
  end: number;
}

/**
 * The top-level `rule_files:` key with its value (flow `[a, b]` or a block list below it), or
 * undefined when the file has none or writes it in a form this does not read (the caller then
 * falls back to a full parse).
 */
export function ruleFilesEntry(text: string): RuleFilesEntry | undefined {
  const key = /^rule_files:/m.exec(text);
  if (!key) return undefined;
  let end = text.indexOf('\n', key.index);
  end = end === -1 ? text.length : end + 1;
  // Value lines: indented, or a `- ` item at column 0 (YAML allows a block list there).
  for (;;) {
    const next = text.indexOf('\n', end);
    const line = text.slice(end, next === -1 ? text.length : next);
    if (end >= text.length || !/^(\s+\S|-\s)/.test(line) || /^\s+#/.test(line)) break;
    end = next === -1 ? text.length : next + 1;
  }
  // The usual form, a block list of plain file names, is read as it is: even this small parse was
  // the first YAML parse of a render, paying the parser's start-up (issue 15).
  const plain = plainRuleFiles(text.slice(key.index, end));
  if (plain) return { files: plain, start: key.index, end };
  let value: unknown;
  try {
    value = (parse(text.slice(key.index, end)) as { rule_files?: unknown } | null)?.rule_files;
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
  return { files: value, start: key.index, end };
}

const NAME = String.raw`[\w./-]+\.ya?ml`; // a file name YAML reads as this string
const FLOW = new RegExp(String.raw`^rule_files: \[(${NAME}(?:, ${NAME})*)\]\n?$`);
const BLOCK = new RegExp(String.raw`^rule_files:\n( +)- ${NAME}\n(?:\1- ${NAME}\n)*$`);

/** `rule_files: [a.rules.yml, b.rules.yml]` or a block list of such names; else undefined. */
export function plainRuleFiles(entry: string): string[] | undefined {
  const flow = FLOW.exec(entry);
  if (flow) return flow[1]!.split(', ');
  if (BLOCK.test(entry)) return entry.trimEnd().split('\n').slice(1).map((l) => l.trim().slice(2));
  return undefined;
}

/** The text with its `rule_files` entry replaced by `files`, as a block list. */
export function withRuleFiles(text: string, entry: RuleFilesEntry, files: string[]): string {
  const lines = `rule_files:\n${files.map((f) => `  - ${f}\n`).join('')}`;
  return text.slice(0, entry.start) + lines + text.slice(entry.end);
}
