// The render memo (src/app/render-memo.ts): a kept result is used only for the very same config,
// options, content and obsctl build, equals a fresh render, and nothing is kept without a build
// identity (obsctl from its sources) or outside an existing state directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoizedRender, renderMemoFile } from '../src/app/render-memo.js';
import { configSchema } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';
import type { RenderOptions } from '../src/render/profile.js';

const dirs: string[] = [];
const stateDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-memo-'));
  dirs.push(d);
  return path.join(d, '.obsctl');
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const config = configSchema.parse({ name: 'memo', gpu: 'nvidia' });
const options: RenderOptions = { profile: 'nvidia', simulateGpu: true };
const content = loadContent();

function counting() {
  let renders = 0;
  return { renders: () => renders, renderOf: (cfg: typeof config, opts: RenderOptions, cont: typeof content) => () => (renders++, render(cfg, opts, cont)) };
}

describe('render memo', () => {
  it('renders once for the same inputs and build; the kept result equals a fresh render', () => {
    const dir = stateDir();
    fs.mkdirSync(dir);
    const c = counting();
    const first = memoizedRender(dir, config, options, content, c.renderOf(config, options, content), 'build-a');
    const again = memoizedRender(dir, config, options, content, c.renderOf(config, options, content), 'build-a');
    expect(c.renders()).toBe(1);
    expect(again).toEqual(JSON.parse(JSON.stringify(render(config, options, content))));
    expect(again).toEqual(JSON.parse(JSON.stringify(first)));
  });

  it('renders again when the config, an option, the content or the build differs', () => {
    const dir = stateDir();
    fs.mkdirSync(dir);
    const c = counting();
    const memo = (cfg: typeof config, opts: RenderOptions, cont: typeof content, build: string) => memoizedRender(dir, cfg, opts, cont, c.renderOf(cfg, opts, cont), build);
    memo(config, options, content, 'build-a');
    const other = configSchema.parse({ name: 'memo', gpu: 'nvidia', prometheus: { retention_time: '7d' } });
    expect(memo(other, options, content, 'build-a').files.find((f) => f.path === 'compose.yaml')!.content).toContain('retention.time=7d');
    const plain = { ...options, simulateGpu: false };
    expect(memo(other, plain, content, 'build-a').files.some((f) => f.path.startsWith('dcgm-sim/'))).toBe(false);
    const edited = content.map((f) => (f.path.endsWith('.rules.yml') ? { ...f, text: `${f.text}# edited\n` } : f));
    expect(memo(other, plain, edited, 'build-a').files.find((f) => f.path.endsWith('.rules.yml'))!.content).toContain('# edited');
    memo(other, plain, edited, 'build-b');
    expect(c.renders()).toBe(5);
  });

  it('keeps nothing without a build identity, or where obsctl keeps no state', () => {
    const dir = stateDir();
    const c = counting();
    memoizedRender(dir, config, options, content, c.renderOf(config, options, content), 'build-a'); // no .obsctl/ here
    expect(fs.existsSync(renderMemoFile(dir))).toBe(false);
    fs.mkdirSync(dir);
    memoizedRender(dir, config, options, content, c.renderOf(config, options, content), undefined);
    memoizedRender(dir, config, options, content, c.renderOf(config, options, content), undefined);
    expect(fs.existsSync(renderMemoFile(dir))).toBe(false);
    expect(c.renders()).toBe(3);
  });

  it('a damaged memo file is rendered over', () => {
    const dir = stateDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(renderMemoFile(dir), '{not json');
    const c = counting();
    memoizedRender(dir, config, options, content, c.renderOf(config, options, content), 'build-a');
    memoizedRender(dir, config, options, content, c.renderOf(config, options, content), 'build-a');
    expect(c.renders()).toBe(1);
  });
});
