// Maps a key path in the parsed config back to a line and column in obsctl.yaml, and tells which
// keys the schema allows at a path (for "did you mean"). Uses the `yaml` CST ranges, so positions
// are exact even with comments, anchors and flow style.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';
import { resolveAlias } from './yaml-source.js';

export interface Position {
  line: number;
  col: number;
}

function position(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}

// An index from key path to node, built once per document in one walk (through aliases and merge
// keys), so locating 16,000 errors costs 16,000 lookups rather than 16,000 scans of a mapping.
interface Entry {
  keyOffset?: number;
  value: unknown;
}
const indexes = new WeakMap<Document, Map<string, Entry>>();
const seg = (p: PropertyKey) => (typeof p === 'number' ? `\u0000#${p}` : `\u0000.${String(p)}`);
const pathKey = (path: readonly PropertyKey[]) => {
  let key = '';
  for (const p of path) key += seg(p);
  return key;
};

function indexOf(doc: Document): Map<string, Entry> {
  let index = indexes.get(doc);
  if (index) return index;
  index = new Map();
  index.set('', { value: doc.contents });
  const stack: [string, unknown][] = [['', doc.contents]];
  while (stack.length > 0 && index.size < 1_000_000) {
    const [key, raw] = stack.pop()!;
    const node = isAlias(raw) ? resolveAlias(doc, raw) : raw;
    if (!node) continue;
    if (isMap(node)) {
      const merged: unknown[] = [];
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.source === '<<') {
          merged.push(...(isSeq(pair.value) ? pair.value.items : [pair.value]));
          continue;
        }
        if (!isScalar(pair.key)) continue;
        const child = key + seg(String(pair.key.value));
        if (index.has(child)) continue;
        index.set(child, { ...(pair.key.range ? { keyOffset: pair.key.range[0] } : {}), value: pair.value });
        stack.push([child, pair.value]);
      }
      // Keys written in the mapping win over merged ones (YAML merge semantics).
      for (const m of merged) {
        const source = isAlias(m) ? resolveAlias(doc, m) : m;
        if (!isMap(source)) continue;
        for (const pair of source.items) {
          if (!isScalar(pair.key)) continue;
          const child = key + seg(String(pair.key.value));
          if (index.has(child)) continue;
          index.set(child, { ...(pair.key.range ? { keyOffset: pair.key.range[0] } : {}), value: pair.value });
          stack.push([child, pair.value]);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = key + seg(i);
        index!.set(child, { value: item });
        stack.push([child, item]);
      });
    }
  }
  indexes.set(doc, index);
  return index;
}

// An alias is located where it is written (`*name`), which is where the user looks.
const rangeOf = (value: unknown): [number, number, number] | undefined => (value as Node | null | undefined)?.range ?? undefined;

/** Position of the value at `path`, or of its nearest existing ancestor. */
export function locateValue(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): Position | undefined {
  const index = indexOf(doc);
  for (let n = path.length; n >= 0; n--) {
    const entry = index.get(pathKey(path.slice(0, n)));
    const range = entry && rangeOf(entry.value);
    if (entry && (range || entry.keyOffset !== undefined)) {
      // A missing key is reported on its parent's key line, which is where a user would add it.
      if (n < path.length && n > 0 && entry.keyOffset !== undefined) return position(lineCounter, entry.keyOffset);
      if (range) return position(lineCounter, range[0]);
      if (entry.keyOffset !== undefined) return position(lineCounter, entry.keyOffset);
    }
  }
  return undefined;
}

/** Position of the key `key` inside the map at `parentPath`. */
export function locateKey(doc: Document, lineCounter: LineCounter, parentPath: readonly PropertyKey[], key: PropertyKey): Position | undefined {
  const entry = indexOf(doc).get(pathKey(parentPath) + seg(key));
  return entry?.keyOffset !== undefined ? position(lineCounter, entry.keyOffset) : undefined;
}

/** The text written for the scalar at `path` (e.g. `.nan`, `1e400`), if it is one. */
export function sourceAt(doc: Document, path: readonly PropertyKey[]): string | undefined {
  const value = indexOf(doc).get(pathKey(path))?.value;
  const node = isAlias(value) ? resolveAlias(doc, value) : value;
  return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
}

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> } };

/** Strips default/prefault/optional/nullable/pipe wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The schema node at `path` (using `data` to pick discriminated-union members), if resolvable. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[], data: unknown, resolveUnion = true): AnySchema | undefined {
  let s = unwrap(root as AnySchema);
  let value = data;
  for (const part of path) {
    s = pickUnionMember(s, value);
    const def = s._zod.def as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema; valueType?: AnySchema };
    if (def.type === 'object' && def.shape && typeof part === 'string' && def.shape[part]) s = unwrap(def.shape[part]);
    else if (def.type === 'array' && def.element) s = unwrap(def.element);
    else if (def.type === 'record' && def.valueType) s = unwrap(def.valueType);
    else return undefined;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part as string] : undefined;
  }
  return resolveUnion ? pickUnionMember(s, value) : s;
}

function pickUnionMember(s: AnySchema, value: unknown): AnySchema {
  const def = s._zod.def as { type: string; options?: AnySchema[]; discriminator?: string };
  if (def.type !== 'union' || !def.options) return s;
  if (def.discriminator && value && typeof value === 'object') {
    const tag = (value as Record<string, unknown>)[def.discriminator];
    for (const option of def.options) {
      const shape = (unwrap(option)._zod.def as { shape?: Record<string, AnySchema> }).shape;
      const lit = shape?.[def.discriminator]?._zod.def as { values?: unknown[] } | undefined;
      if (lit?.values?.includes(tag)) return unwrap(option);
    }
  }
  // Otherwise the member whose keys best cover the value's keys.
  const keys = value && typeof value === 'object' ? Object.keys(value) : [];
  let best = def.options[0]!;
  let bestScore = -1;
  for (const option of def.options) {
    const shape = (unwrap(option)._zod.def as { shape?: Record<string, unknown> }).shape ?? {};
    const score = keys.filter((k) => k in shape).length;
    if (score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  return unwrap(best);
}

export function allowedKeys(root: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] {
  const s = schemaAt(root, path, data);
  const shape = s && (s._zod.def as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}
