// Golden stacks: four configs rendered and compared byte for byte with the trees committed under
// test/golden/<case>/expected. UPDATE_GOLDEN=1 rewrites them (review the diff before committing).
// Each one must also pass `validate --strict` with the real promtool, amtool and docker compose.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';
import type { GpuProfile } from '../src/render/profile.js';
import { manifestName } from '../src/render/write.js';
import { validateStack } from '../src/validate/index.js';
import { Ajv } from 'ajv';
import { manifestJsonSchemaText } from '../src/render/manifest.js';
import { manifestSchemaFile } from '../src/paths.js';
import { missingTools, requireToolsInCi } from './helpers/tools.js';

const goldenDir = path.join(import.meta.dirname, 'golden');
// `defaults` has no obsctl.yaml at all; `auto` resolves to no GPU, as on a CPU-only machine.
const cases: Record<string, GpuProfile> = { defaults: 'none', 'cpu-only': 'none', 'gb10-slack': 'gb10', 'nvidia-remote-write': 'nvidia', slo: 'none', integrations: 'gb10', 'ha-central': 'none' };

function renderCase(name: string) {
  const file = path.join(goldenDir, name, 'obsctl.yaml');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const loaded = parseConfigText(text);
  if (!loaded.config) throw new Error(`${name}: ${JSON.stringify(loaded.errors)}`);
  return render(loaded.config, { profile: cases[name]! }, loadContent());
}

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== manifestName) out.set(path.relative(dir, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

describe('stack.schema.json', () => {
  it('is in sync with src/render/manifest.ts (run `npm run schema` after changing it)', () => {
    expect(fs.readFileSync(manifestSchemaFile, 'utf8')).toBe(manifestJsonSchemaText());
  });
});

describe('golden stacks', () => {
  for (const name of Object.keys(cases)) {
    it(`${name}: rendered tree matches test/golden/${name}/expected byte for byte`, () => {
      const result = renderCase(name);
      const expectedDir = path.join(goldenDir, name, 'expected');
      if (process.env.UPDATE_GOLDEN === '1') {
        fs.rmSync(expectedDir, { recursive: true, force: true });
        for (const f of result.files) {
          fs.mkdirSync(path.dirname(path.join(expectedDir, f.path)), { recursive: true });
          fs.writeFileSync(path.join(expectedDir, f.path), f.content);
        }
      }
      const expected = readTree(expectedDir);
      expect(result.files.map((f) => f.path)).toEqual([...expected.keys()].sort());
      for (const f of result.files) expect(f.content, f.path).toBe(expected.get(f.path));
    });

    it(`${name}: stack.json is valid against the committed stack.schema.json and equals the render's manifest`, () => {
      const result = renderCase(name);
      const text = fs.readFileSync(path.join(goldenDir, name, 'expected', 'stack.json'), 'utf8');
      const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(fs.readFileSync(manifestSchemaFile, 'utf8')));
      expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
      expect(JSON.parse(text)).toEqual(result.manifest);
      expect(result.manifest.services.map((s) => s.name)).toEqual(result.services);
    });

    it(`${name}: renders identically twice`, () => {
      expect(JSON.stringify(renderCase(name))).toBe(JSON.stringify(renderCase(name)));
    });

    it(`${name}: passes validate --strict with the real promtool, amtool and docker compose`, async (ctx) => {
      const missing = await missingTools();
      if (missing.length) {
        requireToolsInCi(missing);
        console.warn(`SKIPPED (${name} validate): missing ${missing.join(', ')}`);
        ctx.skip();
      }
      const report = await validateStack(path.join(goldenDir, name, 'expected'), { strict: true });
      const failed = report.checks.filter((c) => c.status !== 'pass');
      expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
      expect(report.checks.length).toBeGreaterThan(5);
    }, 120_000);
  }
});
