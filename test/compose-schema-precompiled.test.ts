// The build's precompiled Compose schema validator (issue 15) stands in for ajv.compile only when
// it was compiled from exactly the schema obsctl checks against, and then gives the same verdicts
// and the same errors, on the stacks obsctl renders and on broken ones.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../src/paths.js';
import { composeAjv, composeSchemaDigest, composeSpecSchema, precompiledValidator, precompiledValidatorModule } from '../src/validate/compose-schema.js';

// Inside the package, as dist/ is: the module requires Ajv's runtime helpers from node_modules.
const dir = fs.mkdtempSync(path.join(packageRoot, 'node_modules', '.obsctl-precompiled-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const golden = path.join(import.meta.dirname, 'golden');
const rendered = fs.readdirSync(golden).map((name) => [name, parse(fs.readFileSync(path.join(golden, name, 'expected', 'compose.yaml'), 'utf8'), { merge: true })] as const);
const broken: [string, unknown][] = [
  ['unknown keys, wrong types', { services: { a: { image: 'x', bogus: 1, ports: 80, volumes: [{ type: 'bind', x: 1 }] } } }],
  ['not an object', ['services']],
  ['bad depends_on condition', { services: { a: { image: 'x', depends_on: { b: { condition: 'service_ready' } } } } }],
  ['duplicate cap_drop', { services: { a: { image: 'x', cap_drop: ['ALL', 'ALL'] } } }],
  ['healthcheck typo', { services: { a: { image: 'x', healthcheck: { test: ['CMD', 'true'], intervall: '5s' } } } }],
  ['a golden stack with a broken service', { ...rendered[0]![1], services: { ...rendered[0]![1].services, extra: { image: 1, read_only: 'yes' } } }],
];

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('precompiled Compose schema validator', () => {
  const schema = composeSpecSchema();
  const file = write('compose-validator.cjs', precompiledValidatorModule(schema));

  it('gives the verdicts and errors ajv.compile gives, on rendered and broken stacks', () => {
    const precompiled = precompiledValidator(schema, file);
    expect(precompiled).toBeTypeOf('function');
    const compiled = composeAjv().compile(schema);
    for (const [name, doc] of [...rendered, ...broken]) {
      const [a, b] = [compiled(doc), precompiled!(doc)];
      expect(b, name).toBe(a);
      expect(precompiled!.errors ?? null, name).toEqual(compiled.errors ?? null);
    }
    expect(rendered.every(([, doc]) => compiled(doc))).toBe(true);
    expect(broken.every(([, doc]) => !compiled(doc))).toBe(true);
  });

  it('is not used when it was compiled from another schema (a stale build): compiled at run time instead', () => {
    const other = composeSpecSchema();
    (other.properties as Record<string, unknown>).name = { type: 'integer' };
    expect(composeSchemaDigest(other)).not.toBe(composeSchemaDigest(schema));
    const stale = write('stale.cjs', precompiledValidatorModule(other));
    expect(precompiledValidator(other, stale)).toBeTypeOf('function');
    expect(precompiledValidator(schema, stale)).toBeUndefined();
  });

  it('is not used when missing or not a validator', () => {
    expect(precompiledValidator(schema, path.join(dir, 'absent.cjs'))).toBeUndefined();
    expect(precompiledValidator(schema, write('junk.cjs', 'module.exports = { digest: 1 };'))).toBeUndefined();
  });
});
