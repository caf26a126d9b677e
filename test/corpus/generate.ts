// A generated corpus of bad and odd obsctl.yaml files, deterministic from a seed: the same seed
// gives the same cases, in the same order, on every machine. Each case says what must happen:
// `render` (a valid file: exit 0, files written; a rejection is a false rejection), `reject` (exit 2,
// located errors, nothing written) or `either` (a random mutation: exit 0 or 2, and either way no
// crash, hang, stack trace, raw control character or write on failure).
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { MAX_CONFIG_BYTES, MAX_TARGETS } from '../../src/config/limits.js';
import { bases, type Base } from './bases.js';

export type Expect = 'render' | 'reject' | 'either';
export type Special = 'directory' | 'fifo' | 'device' | 'missing' | 'symlink-loop';

export interface Case {
  id: string;
  cls: string;
  expect: Expect;
  /** File content (a Buffer for bytes that are not UTF-8). */
  content?: string | Buffer;
  /** Instead of a file: a special file at the config path. */
  special?: Special;
  args: string[];
}

/** mulberry32: small, fast, good enough for test generation. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];

/** Every path to a scalar and every path to a mapping in a document. */
function walk(doc: Document): { leaves: Path[]; maps: Path[] } {
  const leaves: Path[] = [];
  const maps: Path[] = [[]];
  const visit = (node: unknown, at: Path) => {
    if (isMap(node)) {
      if (at.length) maps.push(at);
      for (const p of node.items) if (isScalar(p.key)) visit(p.value, [...at, String(p.key.value)]);
    } else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...at, i]));
    else if (isScalar(node)) leaves.push(at);
  };
  visit(doc.contents, []);
  return { leaves, maps };
}

const wrongValues: unknown[] = [42, -1, 0, 3.5, true, false, null, 'text', '', [], ['a'], {}, { k: 'v' }, [[1]], 'yes', '0x1F', 1e400, -1e400, NaN];
const wrongSources = ['.nan', '.inf', '-.inf', '1e400', '0o17', '~', '!!str 5', '[]', '{}', "''", '"\\t"'];

/** Strings that try to escape into the files obsctl writes or the terminal it prints to. */
export const injections = [
  '$HOME',
  '${PATH}',
  '$$',
  '${OBSCTL_X:-default}',
  '{{ .Values }}',
  "a'b\"c",
  'a: b',
  '# not a comment',
  '--config.file=/etc/passwd',
  '; rm -rf / #',
  '`id`',
  '$(id)',
  '../../../../etc/passwd',
  '/etc/shadow',
  'C:\\Windows\\system32',
  '\u001b[31mred\u001b[0m',
  'line\nbreak',
  'tab\there',
  'nul\u0000byte',
  '\u202eevil',
  'zero\u200bwidth',
  'ünïcödé 中文 🚀',
  'x'.repeat(5000),
  '%s%n%x',
  '<script>alert(1)</script>',
  '\\',
  ' leading and trailing ',
];

/** Values that look like paths, for fields that name files or URLs. */
const pathLike = ['../x', '/abs/path', './rel', '~/home', 'file:///etc/passwd', '\\\\server\\share', 'a/../../b', '.', '..', '/', '//', 'C:/x', '%2e%2e/x'];

function setRaw(text: string, path: Path, value: unknown): string | undefined {
  const doc = parseDocument(text);
  try {
    doc.setIn(path, value);
  } catch {
    return undefined;
  }
  return doc.toString({ lineWidth: 0 });
}

/** Replaces the scalar at path with literally written YAML source (e.g. `.nan`). */
function setSource(text: string, path: Path, source: string): string | undefined {
  const doc = parseDocument(text);
  const node = doc.getIn(path, true) as Node | undefined;
  if (!node?.range) return undefined;
  return text.slice(0, node.range[0]) + source + text.slice(node.range[1]);
}

export function generateCorpus(seed: number, count: number): Case[] {
  const random = rng(seed);
  // For variants added later: drawing them from `random` would shift every case after them.
  const variant = rng(seed ^ 0x9e3779b9);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (n: number) => Math.floor(random() * n);
  const all = bases();
  const structured = all.filter((b) => b.text.trim() !== '');
  const cases: Case[] = [];
  const add = (cls: string, expect: Expect, content: string | Buffer | undefined, base?: Base, special?: Special) => {
    if (content === undefined && !special) return;
    cases.push({ id: `${cls}-${cases.length}`, cls, expect, ...(content !== undefined ? { content } : {}), ...(special ? { special } : {}), args: base?.args ?? [] });
  };

  // Generators, one per class; each call adds one case. Drawn round-robin so any prefix of the
  // corpus covers every class.
  const generators: [string, () => void][] = [
    ['wrong-type', () => {
      const b = pick(structured);
      const { leaves } = walk(parseDocument(b.text));
      const at = pick(leaves);
      if (random() < 0.3) add('wrong-type', 'either', setSource(b.text, at, pick(wrongSources)), b);
      else add('wrong-type', 'either', setRaw(b.text, at, pick(wrongValues)), b);
    }],
    ['unknown-key', () => {
      const b = pick(structured);
      const { maps } = walk(parseDocument(b.text));
      const at = pick(maps);
      const key = pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'nmae', 'enabledd', 'x', '0', 'true', 'null', `k${int(1000)}`, 'ports ', 'Name']);
      // An unknown key is rejected unless the mapping is a free-form one (labels) or x- at the top.
      const freeForm = at.at(-1) === 'labels' || at.at(-1) === 'external_labels';
      add('unknown-key', freeForm ? 'either' : 'reject', setRaw(b.text, [...at, key], pick(['v', 1, true, null, { a: 1 }])), b);
    }],
    ['deletion', () => {
      const b = pick(structured);
      const lines = b.text.split('\n');
      const from = int(lines.length);
      lines.splice(from, 1 + int(3));
      add('deletion', 'either', lines.join('\n'), b);
    }],
    ['syntax', () => {
      const b = pick(all);
      const text = b.text || 'name: lab\n';
      const at = int(text.length + 1);
      const junk = pick([':', '[', ']', '{', '}', '"', "'", '&', '*', '!', '|', '>', '%', '@', '`', '\t', '- ', '? ', ',', '#', '\n  ', '\n-', ': :', '&a', '*a', '!!', '%YAML 1.1\n', '---\n', '...\n']);
      if (random() < 0.2) add('syntax', 'either', text.slice(0, at), b); // truncated
      else add('syntax', 'either', text.slice(0, at) + junk + text.slice(at), b);
    }],
    ['junk-bytes', () => {
      const b = pick(all);
      const bytes = Buffer.from(b.text || 'name: lab\n');
      const at = int(bytes.length + 1);
      const junk = Buffer.from(Array.from({ length: 1 + int(8) }, () => pick([0, 1, 7, 8, 0x1b, 0x7f, 0x80, 0xc0, 0xc3, 0xe2, 0xed, 0xf5, 0xfe, 0xff, int(256)])));
      add('junk-bytes', 'either', Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]), b);
    }],
    ['bom-crlf', () => {
      const b = pick(all);
      const variants = [`\ufeff${b.text}`, b.text.replace(/\n/g, '\r\n'), `\ufeff${b.text.replace(/\n/g, '\r\n')}`, b.text.replace(/\n$/, ''), `${b.text}\n\n\n`, b.text.replace(/\n/g, '\n# comment\n')];
      add('bom-crlf', 'render', pick(variants), b);
    }],
    ['aliases', () => {
      const n = 1 + int(250);
      const valid = [
        `x-label: &team ml\ntargets:\n${Array.from({ length: Math.min(n, 60) }, (_, i) => `  - name: t${i}\n    urls: [h${i}:80]\n    labels: {team: *team}\n`).join('')}`,
        `x-defaults: &iv 30s\nprometheus:\n  scrape_interval: *iv\n  evaluation_interval: *iv\n`,
        `targets:\n  - name: a\n    urls: [a:1]\n    labels: &l {${Array.from({ length: 5 }, (_, i) => `k${i}: v`).join(', ')}}\n${Array.from({ length: Math.min(n, 200) }, (_, i) => `  - {name: b${i}, urls: [b:1], labels: *l}\n`).join('')}`,
        `x-v: &v lab\nprometheus:\n  external_labels:\n${Array.from({ length: n }, (_, i) => `    l${i}: *v\n`).join('')}`,
      ];
      const bomb = (width: number, levels: number) =>
        `a0: &a0 [${Array(width).fill('"x"').join(',')}]\n${Array.from({ length: levels }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(width).fill(`*a${i}`).join(',')}]`).join('\n')}\n`;
      const invalid = [
        `name: *nope${int(10)}\n`,
        bomb(2 + int(9), 6 + int(8)),
        `a: &x [*x]\n`,
        `a: &x {b: *x}\n`,
        Array.from({ length: 30 + int(200) }, (_, i) => (i === 0 ? 'm0: &m0 {a: 1}' : `m${i}: &m${i}\n  <<: *m${i - 1}\n  k${i}: ${i}`)).join('\n') + '\n',
        `x-d: &d {scrape_interval: 1m}\nprometheus:\n  <<: *d\n  <<: *d\n`,
        `<<: ${pick(['5', 'text', '[1, 2]', 'null', '*nope'])}\n`,
        `x-s: &s text\nports:\n  <<: *s\n`,
        Array.from({ length: 2000 }, (_, i) => (i === 0 ? 'c0: &c0 [x]' : `c${i}: &c${i} [*c${i - 1}]`)).join('\n') + '\n',
      ];
      if (random() < 0.5) add('aliases', 'render', pick(valid));
      else add('aliases', 'reject', pick(invalid));
    }],
    ['merge', () => {
      const valid = [
        `x-defaults: &d\n  scheme: http\n  interval: 30s\ntargets:\n  - <<: *d\n    name: a\n    urls: [a:1]\n  - <<: *d\n    name: b\n    urls: [b:1]\n    interval: 10s\n`,
        `x-p: &p {prometheus: 19090}\nports:\n  <<: *p\n  grafana: 13000\n`,
        `x-a: &a {enabled: true}\nx-b: &b {temperature_warning_celsius: 70}\nalerts:\n  gpu:\n    <<: [*a, *b]\n`,
        `%YAML 1.1\n---\nx-p: &p {prometheus: 19090}\nports:\n  <<: *p\n`,
      ];
      add('merge', 'render', pick(valid));
    }],
    ['multi-document', () => {
      const b = pick(structured);
      const variants = [`${b.text}---\n${b.text}`, `${b.text}---\nname: other\n`, `---\n${b.text}...\n---\n`, `${b.text}\n...\nname: x\n`];
      add('multi-document', 'reject', pick(variants), b);
    }],
    ['deep-nesting', () => {
      const depth = pick([65, 100, 1000, 10_000, 100_000, 300_000]);
      const variants = [
        `name: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
        `name: ${'['.repeat(depth)}\n`,
        `name: ${'{a: '.repeat(Math.min(depth, 200_000))}1${'}'.repeat(Math.min(depth, 200_000))}\n`,
        `name:\n${Array.from({ length: Math.min(depth, 1300) }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}x\n`,
        `targets:\n${'  - '.repeat(Math.min(depth, 100_000))}x\n`,
        `${Array.from({ length: Math.min(depth, 1300) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`,
      ];
      add('deep-nesting', 'reject', pick(variants));
    }],
    ['huge', () => {
      const target = pick([MAX_CONFIG_BYTES - 4096, MAX_CONFIG_BYTES + 1, MAX_CONFIG_BYTES * 5]);
      // Half of the label floods get bad label names instead (thousands of problems, past
      // MAX_REPORTED_ISSUES), drawn from a stream of their own so the other cases stay as they were.
      const drawn = int(4);
      const kind = drawn === 3 && variant() < 0.5 ? 4 : drawn;
      let text: string;
      if (kind === 0) {
        const lines: string[] = ['targets:', '  - name: big', '    urls: [a:1]', '    labels:'];
        for (let i = 0, size = 40; size < target - 40; i++) {
          const line = `      l${i}: v${i}`;
          lines.push(line);
          size += line.length + 1;
        }
        text = `${lines.join('\n')}\n`;
      } else if (kind === 1) {
        // Targets up to the file size: over MAX_TARGETS is a located error; at the cap, it renders.
        const item = (i: number) => `  - {name: t${i}, urls: ['h${i}:80'], labels: {team: t${i % 7}}}\n`;
        const parts = ['targets:\n'];
        const cap = random() < 0.5 ? MAX_TARGETS : Infinity;
        for (let i = 0, size = 10; size < target - 60 && i < cap; i++) {
          const s = item(i);
          parts.push(s);
          size += s.length;
        }
        text = parts.join('');
      } else if (kind === 2) {
        text = `# ${'x'.repeat(target)}\nname: lab\n`;
      } else if (kind === 4) {
        // Thousands of bad label names: each one a problem; past MAX_REPORTED_ISSUES they are counted.
        const parts = ['prometheus:\n  external_labels:\n'];
        for (let i = 0, size = 40; size < target - 40; i++) {
          const s = `    l-${i}: v\n`;
          parts.push(s);
          size += s.length;
        }
        text = parts.join('');
      } else {
        const parts = ['prometheus:\n  external_labels:\n'];
        for (let i = 0, size = 40; size < target - 40; i++) {
          const s = `    l${i}: ${i % 2 ? 'bad value' : `v${i}`}\n`;
          parts.push(s);
          size += s.length;
        }
        text = parts.join('');
      }
      const tooBig = Buffer.byteLength(text) > MAX_CONFIG_BYTES;
      const tooMany = kind === 1 && text.split('\n').length - 2 > MAX_TARGETS;
      add('huge', tooBig || tooMany || kind === 4 ? 'reject' : kind === 3 ? 'either' : 'render', text);
    }],
    ['special-file', () => {
      add('special-file', 'reject', undefined, undefined, pick(['directory', 'fifo', 'device', 'missing', 'symlink-loop'] as const));
    }],
    ['injection', () => {
      const b = pick(structured);
      const { leaves } = walk(parseDocument(b.text));
      const textLeaves = leaves.filter((p) => typeof parseDocument(b.text).getIn(p) === 'string');
      const at = pick(textLeaves.length ? textLeaves : leaves);
      add('injection', 'either', setRaw(b.text, at, pick(injections)), b);
    }],
    ['injection-key', () => {
      const b = pick(structured);
      const { maps } = walk(parseDocument(b.text));
      add('injection-key', 'either', setRaw(b.text, [...pick(maps), pick(injections)], 'v'), b);
    }],
    ['path-like', () => {
      const b = pick(structured);
      const { leaves } = walk(parseDocument(b.text));
      add('path-like', 'either', setRaw(b.text, pick(leaves), pick(pathLike)), b);
    }],
    ['valid-mutation', () => {
      const b = pick(structured);
      const doc = parseDocument(b.text);
      const choice = int(5);
      let text: string;
      if (choice === 0) text = doc.toString({ lineWidth: 0, flowCollectionPadding: false, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
      else if (choice === 1) text = doc.toString({ lineWidth: 0, collectionStyle: 'flow' });
      else if (choice === 2) text = doc.toString({ lineWidth: 0, indent: 4, indentSeq: false });
      else if (choice === 3) {
        // Top-level keys in another order.
        if (isMap(doc.contents)) doc.contents.items.reverse();
        text = doc.toString({ lineWidth: 0 });
      } else text = `x-notes: free text for anchors\n${b.text}# trailing comment\n`;
      add('valid-mutation', 'render', text, b);
    }],
  ];

  for (let i = 0; cases.length < count && i < count * 3; i++) generators[i % generators.length]![1]();
  return cases;
}
