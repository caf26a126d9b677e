// The shell side of obsctl.lock: reading it next to obsctl.yaml, and `obsctl images lock` asking the
// local engine (after a pull) for each image's registry digest and image id.
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { ExitCode, UserError } from '../errors.js';
import { formatImageLock, LOCK_FILE, parseImageLock, repositoryOf, withoutDigest, type ImageLock } from '../render/image-lock.js';

export function readImageLock(dir: string): ImageLock | undefined {
  const file = path.join(dir, LOCK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseImageLock(text, file);
}

/** What locking needs from the engine. */
export interface ImageStore {
  pull(image: string): Promise<void>;
  /** undefined when the image is not present locally. */
  inspect(image: string): Promise<{ id: string; repoDigests: string[] } | undefined>;
}

export function dockerImageStore(given?: Docker): ImageStore {
  // dockerode loads on first use: every command that renders reads the lock through this module.
  let client: Promise<Docker> | undefined;
  const connect = () => (client ??= given ? Promise.resolve(given) : import('dockerode').then((m) => new m.default()));
  return {
    async pull(image) {
      const docker = await connect();
      const stream = await docker.pull(image);
      await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve())));
    },
    async inspect(image) {
      const docker = await connect();
      try {
        const i = await docker.getImage(image).inspect();
        return { id: i.Id, repoDigests: i.RepoDigests ?? [] };
      } catch {
        return undefined;
      }
    },
  };
}

/** docker.io/library/node and node are the same repository. */
const normalRepo = (repo: string) => repo.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');

/**
 * Pulls each image (unless pull is false: then it must be present) and records its digest in the
 * repository it was pulled from. An image without one (built locally, never pushed or pulled)
 * cannot be locked: every such image is named at once.
 */
export async function lockImages(images: string[], store: ImageStore, opts: { pull: boolean; print: (line: string) => void }): Promise<ImageLock> {
  const lock: ImageLock = { images: {} };
  const problems: string[] = [];
  for (const ref of [...new Set(images.map(withoutDigest))].sort()) {
    if (opts.pull) {
      try {
        await store.pull(ref);
      } catch (e) {
        problems.push(`${ref}: pull failed: ${(e as Error).message.split('\n')[0]}`);
        continue;
      }
    }
    const info = await store.inspect(ref);
    if (!info) {
      problems.push(`${ref}: not present in the local engine`);
      continue;
    }
    const repo = normalRepo(repositoryOf(ref));
    const digest = info.repoDigests.map((d) => d.split('@')).find(([r]) => normalRepo(r!) === repo)?.[1];
    if (!digest) {
      problems.push(`${ref}: no registry digest for ${repo} (built or loaded locally, never pulled from a registry)`);
      continue;
    }
    lock.images[ref] = { digest, id: info.id };
    opts.print(`${ref}@${digest}`);
  }
  if (problems.length) {
    throw new UserError(
      'IMAGE_LOCK_FAILED',
      `Could not lock ${problems.length} image${problems.length > 1 ? 's' : ''}; ${LOCK_FILE} was not written.`,
      'Locking records what a registry serves: run it where the registry is reachable (or pass --pull never after pulling the images yourself).',
      ExitCode.environment,
      problems,
    );
  }
  return lock;
}

export function writeImageLock(dir: string, lock: ImageLock): string {
  const file = path.join(dir, LOCK_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, formatImageLock(lock));
  fs.renameSync(tmp, file);
  return file;
}

/**
 * References for `docker save`: the tags, without digests. Docker's classic image store loses a
 * repository digest through save/load and writes no tag for a `tag@digest` reference, so an
 * archive of tags is the one that loads everywhere; the lock's image ids then prove it is the same.
 */
export const saveReferences = (images: string[]) => [...new Set(images.map(withoutDigest))].sort();

/** After `docker load`: every locked image present with the locked image id (problems, if any). */
export async function checkAgainstLock(lock: ImageLock, store: ImageStore): Promise<{ ok: string[]; problems: string[] }> {
  const ok: string[] = [];
  const problems: string[] = [];
  for (const [ref, entry] of Object.entries(lock.images)) {
    const byDigest = await store.inspect(`${ref}@${entry.digest}`);
    const byTag = byDigest ?? (await store.inspect(ref));
    if (!byTag) problems.push(`${ref}: not present`);
    else if (byTag.id !== entry.id) problems.push(`${ref}: image id ${byTag.id} is not the locked ${entry.id}`);
    else if (!byDigest) problems.push(`${ref}: the locked image (id matches) has no repository digest here: this engine's image store drops digests on load; pull it, or use the containerd image store`);
    else ok.push(ref);
  }
  return { ok, problems };
}
