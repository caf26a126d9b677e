// The `$schema` reference of the obsctl.yaml that init writes resolves, offline, to the JSON Schema
// of the installed obsctl, which accepts the file; `init --schema` refreshes it after an upgrade.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { schemaRef } from '../src/config/schema-file.js';
import { loadConfig } from '../src/cli/context.js';
import { jsonSchemaFile } from '../src/paths.js';
import { runCli } from './helpers/cli.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-schema-'));

/** What yaml-language-server does with a relative $schema: resolve it against the file's directory. */
const resolveRef = (configFile: string) => {
  const ref = schemaRef(fs.readFileSync(configFile, 'utf8'));
  expect(ref, 'modeline').toBeDefined();
  const url = new URL(ref!, `file://${configFile}`);
  expect(url.protocol).toBe('file:'); // offline: no network
  return url.pathname;
};

describe('the $schema of a fresh obsctl.yaml', () => {
  it('resolves to the installed obsctl\'s schema, which accepts the file', async () => {
    const dir = tmp();
    const file = path.join(dir, 'obsctl.yaml');
    const r = await runCli(['init', '-c', file, '--name', 'lab', '--app', 'http://127.0.0.1:8000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('obsctl.schema.json');
    const schemaPath = resolveRef(file);
    expect(schemaPath).toBe(path.join(dir, 'obsctl.schema.json'));
    expect(fs.readFileSync(schemaPath, 'utf8')).toBe(fs.readFileSync(jsonSchemaFile, 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as object);
    expect(validate(parse(fs.readFileSync(file, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ name: 'lab', gpu: 'quantum' })).toBe(false); // it really checks
    expect(loadConfig(file, { checkSecrets: false }).warnings).toEqual([]);
  });

  it('a stale or missing copy is warned about; init --schema refreshes it and fixes an old URL modeline', async () => {
    const dir = tmp();
    const file = path.join(dir, 'obsctl.yaml');
    expect((await runCli(['init', '-c', file, '--name', 'lab'])).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'obsctl.schema.json'), '{"title": "obsctl 0.0.1"}\n');
    expect(loadConfig(file, { checkSecrets: false }).warnings.join('\n')).toMatch(/obsctl.schema.json is from another obsctl version.*obsctl init --schema/);
    const body = fs.readFileSync(file, 'utf8').split('\n').slice(1).join('\n');
    fs.writeFileSync(file, `# yaml-language-server: $schema=https://raw.githubusercontent.com/obsctl/obsctl/main/obsctl.schema.json\n${body}`);
    const r = await runCli(['init', '-c', file, '--schema']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote obsctl.schema.json|wrote .*obsctl.schema.json/);
    expect(fs.readFileSync(resolveRef(file), 'utf8')).toBe(fs.readFileSync(jsonSchemaFile, 'utf8'));
    expect(fs.readFileSync(file, 'utf8').split('\n').slice(1).join('\n')).toBe(body); // the rest untouched
    fs.rmSync(path.join(dir, 'obsctl.schema.json'));
    expect(loadConfig(file, { checkSecrets: false }).warnings.join('\n')).toContain('obsctl.schema.json is missing');
  });
});
