/** What every group of checks gets from validateStack. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheKey, type CheckCache, type CheckTool } from './check-cache.js';
import { probeTool, type ToolId, type ToolProbe } from './tools.js';
import type { StackFiles } from './stack-files.js';
import type { ToolRunner } from './tool-runner.js';
import type { Check } from './types.js';

export interface ValidateContext {
  /** Absolute stack directory; tools run with it as cwd and get stack-relative paths. */
  root: string;
  files: StackFiles;
  runner: ToolRunner;
  strict: boolean;
  /** How many tool processes run at once: checks batched per process split into this many. */
  parallelism: number;
  /** Whether a tool can be used; probed once per validateStack call. */
  probe(id: ToolId): Promise<ToolProbe>;
  /** Every probe made so far (the tools the checks asked for). */
  probed(): Promise<ToolProbe[]>;
  /**
   * The cache key of a tool check: the tool's identity, its command line and extra environment,
   * and the names and bytes of every file it reads (stack-relative). Undefined: not cached.
   */
  checkKey(tool: CheckTool, args: readonly string[], reads: readonly string[], env?: Record<string, string>): Promise<string | undefined>;
  /** The pass kept under `key` (marked cached), if any. */
  cachedPass(key: string | undefined, name: string, file?: string): Promise<Check | undefined>;
  /** Keeps a passing check under `key`; anything else is not kept. */
  keep(key: string | undefined, check: Check): Promise<void>;
  /** Said once the long tool runs (promtool's unit tests) are spawned, or when there are none. */
  startedLongRuns(): void;
  /** Resolves when startedLongRuns() was said: the in-process checks wait for it (validateStack). */
  longRunsStarted: Promise<void>;
}

function isProbe(v: unknown, id: ToolId): v is ToolProbe {
  const p = v as ToolProbe | null;
  return p?.id === id && p.available === true && typeof p.detail === 'string';
}

export function createContext(root: string, files: StackFiles, runner: ToolRunner, strict: boolean, parallelism: number, cache?: CheckCache): ValidateContext {
  const probes = new Map<ToolId, Promise<ToolProbe>>();
  // A tool's `--version` is a property of the tool: kept under its identity, so a warm cache
  // starts no process to learn it.
  const probe = async (id: ToolId): Promise<ToolProbe> => {
    const stamp = cache?.tool(id);
    const key = stamp === undefined ? undefined : cacheKey(['probe', id, stamp]);
    if (key) {
      const kept = await cache!.get(key);
      if (isProbe(kept, id)) return { id, available: true, detail: kept.detail };
    }
    const p = await probeTool(runner, id, root);
    if (key && p.available) await cache!.put(key, p);
    return p;
  };
  let startedLongRuns!: () => void;
  const longRunsStarted = new Promise<void>((resolve) => (startedLongRuns = resolve));
  return {
    root,
    files,
    startedLongRuns,
    longRunsStarted,
    runner,
    strict,
    parallelism,
    probe(id) {
      let p = probes.get(id);
      if (!p) probes.set(id, (p = probe(id)));
      return p;
    },
    probed: () => Promise.all(probes.values()),
    async checkKey(tool, args, reads, env = {}) {
      const stamp = cache?.tool(tool);
      if (stamp === undefined) return undefined;
      const parts: (string | Uint8Array)[] = [tool, stamp, ...args, '--env--', ...Object.keys(env).sort().flatMap((k) => [k, env[k]!]), '--files--'];
      for (const rel of [...reads].sort()) {
        try {
          parts.push(rel, await readFile(path.join(root, rel)));
        } catch {
          return undefined; // a file that cannot be read: the check reports it, nothing to keep
        }
      }
      return cacheKey(parts);
    },
    async cachedPass(key, name, file) {
      if (!key || !cache) return undefined;
      const kept = (await cache.get(key)) as Check | null | undefined;
      if (kept?.status !== 'pass' || kept.name !== name || kept.file !== file || typeof kept.detail !== 'string') return undefined;
      return { ...kept, cached: true };
    },
    async keep(key, check) {
      if (!key || !cache || check.status !== 'pass') return;
      const { cached: _, ...stored } = check;
      await cache.put(key, stored);
    },
  };
}
