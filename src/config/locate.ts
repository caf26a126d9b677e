// Maps a key path in the parsed config back to a line and column in obsctl.yaml, and tells which
// keys the schema allows at a path (for "did you mean"). Uses the `yaml` CST ranges, so positions
// are exact even with comments, anchors and flow style.
import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';

export interface Position {
  line: number;
  col: number;
}

function position(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}

/** Position of the value at `path`, or of its nearest existing ancestor. */
export function locateValue(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): Position | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as Node | undefined;
    if (node && 'range' in node && node.range) {
      // A missing key is reported on its parent's key line, which is where a user would add it.
      if (n < path.length && n > 0) {
        const keyPos = locateKey(doc, lineCounter, path.slice(0, n - 1), path[n - 1]!);
        if (keyPos) return keyPos;
      }
      return position(lineCounter, node.range[0]);
    }
  }
  return undefined;
}

/** Position of the key `key` inside the map at `parentPath`. */
export function locateKey(doc: Document, lineCounter: LineCounter, parentPath: readonly PropertyKey[], key: PropertyKey): Position | undefined {
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath as unknown[], true);
  if (!isMap(parent)) return undefined;
  for (const item of parent.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(key) && item.key.range) {
      return position(lineCounter, item.key.range[0]);
    }
  }
  return undefined;
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
