// render() is pure: the same config, options and content give the same result. A no-change `up`
// (and verify, plan, render after it) therefore need not render again: the last result is kept in
// .obsctl/render-memo.json under a hash of everything render() reads plus the identity of the
// obsctl build (bundle-cli.mjs sets it from the hash of its sources and lock file), and used when
// the hash matches. Rendering a stack with discovered GPU fields (dashboards from the Grafana SDK,
// GPU rules re-written through a YAML parse) cost a no-change up most of a second (issue 15).
// Without a build identity (obsctl run from its sources: tests, tsx) nothing is kept or read.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { RenderOptions } from '../render/profile.js';
import type { ContentFile } from '../render/rules.js';
import type { RenderResult } from '../render/index.js';

export const renderMemoFile = (stateDir: string) => path.join(stateDir, 'render-memo.json');

/** The build's identity, when this is a bundled obsctl (see scripts/bundle-cli.mjs). */
export const buildIdentity = (): string | undefined => (globalThis as { __obsctlBuildId?: string }).__obsctlBuildId;

export function renderKey(build: string, config: Config, options: RenderOptions, content: ContentFile[]): string {
  return createHash('sha256').update(JSON.stringify([build, config, options, content])).digest('hex');
}

export function memoizedRender(stateDir: string, config: Config, options: RenderOptions, content: ContentFile[], renderNow: () => RenderResult, build = buildIdentity()): RenderResult {
  // Kept only where obsctl already keeps state: `render -o DIR` in a clean checkout adds nothing,
  // and there is nothing to read, so no key to compute (a hash of every content file).
  if (!build || !fs.existsSync(stateDir)) return renderNow();
  const file = renderMemoFile(stateDir);
  const key = renderKey(build, config, options, content);
  try {
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as { key?: string; result?: RenderResult };
    if (kept.key === key && kept.result) return kept.result;
  } catch {
    // none kept yet, or unreadable: render
  }
  const result = renderNow();
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key, result }));
    fs.renameSync(tmp, file);
  } catch {
    // a read-only directory: render every time, as before
  }
  return result;
}
