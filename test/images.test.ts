// The default image pins: docs/images.md shows exactly the pins and reasons in src/render/images.ts,
// dcgm-exporter is on a tag Docker 29 can pull, and nothing renders flags newer versions refuse.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';
import { defaultImages, imagePins, pinsMarkdown } from '../src/render/images.js';

const DOC = path.join(import.meta.dirname, '..', 'docs', 'images.md');
const START = '<!-- pins:start -->\n';
const END = '<!-- pins:end -->';

describe('image pins', () => {
  it('docs/images.md lists every pin with its reason, architectures and what was tested (in sync with src/render/images.ts)', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const [head, rest] = doc.split(START);
    expect(rest, 'docs/images.md has the pins markers').toBeDefined();
    const table = rest!.slice(0, rest!.indexOf(END)).trim();
    if (process.env.UPDATE_DOCS === '1' && table !== pinsMarkdown()) {
      fs.writeFileSync(DOC, `${head}${START}${pinsMarkdown()}\n${rest!.slice(rest!.indexOf(END))}`);
      return;
    }
    expect(table, 'docs/images.md is stale: UPDATE_DOCS=1 npx vitest run --project unit test/images.test.ts').toBe(pinsMarkdown());
    for (const [service, pin] of Object.entries(imagePins)) {
      expect(table).toContain(`| ${service} | \`${pin.image}\` |`);
      expect(pin.why.length, `${service} has a reason`).toBeGreaterThan(20);
      expect(pin.arch, `${service} is published for amd64 and arm64`).toMatch(/amd64, arm64/);
    }
  });

  it('dcgm-exporter is at least 4.6.0-4.8.3 (older tags fail to pull on Docker 29: NVIDIA/dcgm-exporter#659, #676)', () => {
    const m = /:(\d+)\.(\d+)\.(\d+)-(\d+)\.(\d+)\.(\d+)-/.exec(defaultImages['dcgm-exporter']);
    expect(m).not.toBeNull();
    const [dcgm, exporter] = [m!.slice(1, 4).map(Number), m!.slice(4, 7).map(Number)];
    const atLeast = (v: number[], min: number[]) => v[0]! * 1e6 + v[1]! * 1e3 + v[2]! >= min[0]! * 1e6 + min[1]! * 1e3 + min[2]!;
    expect(atLeast(dcgm, [4, 6, 0]) && atLeast(exporter, [4, 8, 3])).toBe(true);
    expect(imagePins['dcgm-exporter'].why).toMatch(/#659.*#676/);
  });

  it('the default render pins Prometheus 3.5 and Alertmanager 0.28, with no --enable-feature flag Alertmanager 0.33+ refuses', () => {
    const r = render(configSchema.parse({ gpu: 'nvidia' }), { profile: 'nvidia' }, loadContent());
    const compose = parse(r.files.find((f) => f.path === 'compose.yaml')!.content) as { services: Record<string, { image: string; command?: string[] }> };
    expect(compose.services.prometheus!.image).toMatch(/^prom\/prometheus:v3\.5\./);
    expect(compose.services.alertmanager!.image).toMatch(/^prom\/alertmanager:v0\.28\./);
    expect(compose.services['dcgm-exporter']!.image).toBe(defaultImages['dcgm-exporter']);
    const flags = Object.values(compose.services).flatMap((s) => s.command ?? []);
    expect(flags.filter((f) => /auto-gomaxprocs|auto-gomemlimit/.test(f))).toEqual([]);
  });
});
