// Rollback to the last good stack. After every `up` that came up healthy, the stack it ran (the
// rendered tree as on disk: compose.yaml with its image references, configs, stack.json) is kept
// in .obsctl/last-good. When a new stack does not become healthy, `up` writes that tree back and
// brings it up again; `obsctl rollback` does the same by hand. Only containers are recreated:
// named data volumes are never removed or recreated, so Prometheus keeps its samples.
import path from 'node:path';
import { errors } from '../errors.js';
import { stackSecrets } from '../render/secrets.js';
import { resolveSecrets } from '../runtime/secrets-store.js';
import { secretsFilePath } from '../runtime/stack-dir.js';
import type { LoadedConfig } from './config.js';
import type { Ports } from './ports.js';
import { stackProject } from './stack.js';

/** Where the last stack that came up healthy is kept, beside the stack directory. */
export const lastGoodDir = (stackDir: string) => path.join(path.dirname(stackDir), 'last-good');

/** After a healthy up: what now runs (as on disk, after any in-place re-render) becomes the last good stack. */
export function keepLastGood(ports: Pick<Ports, 'stackFiles'>, stackDir: string): void {
  const files = ports.stackFiles.read(stackDir);
  if (!files) return;
  const dir = lastGoodDir(stackDir);
  ports.stackFiles.apply(dir, files, ports.stackFiles.plan(dir, files));
}

export interface Restored {
  project: string;
  /** When the restored stack was rendered (stack.json's mtime is not kept: the manifest's project and images tell it). */
  images: string[];
  ok: boolean;
  services: { service: string; state: string; health: string }[];
  /** What compose said when the restored stack did not come up either. */
  detail: string[];
}

/**
 * Writes the last good stack back into stackDir and brings it up (Compose recreates only the
 * services whose definition differs). undefined when there is none, or it is the stack that failed.
 */
export async function restoreLastGood(
  ports: Ports,
  target: { project: string; stackDir: string; env: Record<string, string>; waitSeconds: number; failedDefinitions?: string[] },
): Promise<Restored | undefined> {
  const files = ports.stackFiles.read(lastGoodDir(target.stackDir));
  const manifest = ports.stackFiles.readManifest(lastGoodDir(target.stackDir));
  if (!files || !manifest || manifest.project !== target.project) return undefined;
  const same = target.failedDefinitions && manifest.services.map((s) => s.definition).sort().join() === [...target.failedDefinitions].sort().join();
  if (same) return undefined;
  ports.stackFiles.apply(target.stackDir, files, ports.stackFiles.plan(target.stackDir, files));
  const compose = ports.compose({ name: target.project, dir: target.stackDir, env: target.env });
  const r = await compose.up({ waitSeconds: target.waitSeconds, progress: 'plain' });
  const engine = await ports.engine();
  const after = await engine.projectContainers(target.project);
  return {
    project: target.project,
    images: manifest.images,
    ok: r.ok,
    services: after.map((c) => ({ service: c.service, state: c.state, health: c.health ?? '' })),
    detail: r.ok ? [] : r.stderr.split('\n').filter((l) => /error|unhealthy|failed|exited/i.test(l)).slice(-10),
  };
}

/** The lines `up` and `rollback` report about a restored stack. */
export function restoredLines(r: Restored): string[] {
  return [
    r.ok ? `rolled back: the last good stack of ${r.project} is running again and healthy` : `rollback FAILED: the last good stack of ${r.project} did not come up healthy either`,
    ...r.services.map((s) => `  ${s.service}: ${s.state}${s.health ? ` (${s.health})` : ''}`),
    ...r.detail.map((l) => `  ${l}`),
  ];
}

/** `obsctl rollback`: the last good stack of this config, brought up again by hand. */
export async function rollback(ports: Ports, loaded: LoadedConfig, options: { host?: string; timeout: number }): Promise<Restored> {
  const { project, dir } = stackProject(loaded, options.host);
  const store = ports.secrets(secretsFilePath(loaded.dir));
  const secrets = resolveSecrets(stackSecrets(loaded.config), store, ports.env, loaded.dir);
  if (secrets.generated.length) store.save();
  const restored = await restoreLastGood(ports, { project, stackDir: dir, env: secrets.env, waitSeconds: Math.max(10, options.timeout) });
  if (!restored) throw errors.noLastGood(project, lastGoodDir(dir));
  if (!restored.ok) throw errors.rollbackFailed(restoredLines(restored));
  return restored;
}
