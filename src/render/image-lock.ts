// obsctl.lock: the registry digest of every image, recorded by `obsctl images lock` after a pull.
// With a lock, render writes `repo:tag@sha256:...` (the tag stays for people, the digest decides),
// so a host runs exactly the bytes CI verified. Pure: parsing and applying; reading the file and
// asking the engine live in src/runtime/image-lock.ts.
import { UserError, ExitCode } from '../errors.js';

export const LOCK_FILE = 'obsctl.lock';

export interface ImageLock {
  /** image reference as rendered without a lock -> { digest: sha256:..., id: image id (survives save/load) } */
  images: Record<string, { digest: string; id: string }>;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The reference without a digest: `a/b:1@sha256:..` -> `a/b:1`. */
export const withoutDigest = (image: string) => image.split('@')[0]!;

/** `a/b:1` -> `a/b` (a registry host's port is not a tag). */
export function repositoryOf(image: string): string {
  const ref = withoutDigest(image);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}

export function parseImageLock(text: string, file: string): ImageLock {
  const bad = (why: string) =>
    new UserError('LOCK_INVALID', `${file} is not a valid image lock: ${why}`, 'Re-create it with `obsctl images lock` (or delete it to render tags without digests).', ExitCode.badInput);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad((e as Error).message);
  }
  const images = (doc as { images?: unknown } | null)?.images;
  if (!images || typeof images !== 'object' || Array.isArray(images)) throw bad('no "images" mapping');
  for (const [ref, entry] of Object.entries(images)) {
    const e = entry as { digest?: unknown; id?: unknown } | null;
    if (typeof e?.digest !== 'string' || !DIGEST.test(e.digest)) throw bad(`"${ref}" has no sha256 digest`);
    if (typeof e.id !== 'string' || !DIGEST.test(e.id)) throw bad(`"${ref}" has no sha256 image id`);
  }
  return { images: images as ImageLock['images'] };
}

export function formatImageLock(lock: ImageLock): string {
  const images = Object.fromEntries(Object.keys(lock.images).sort().map((k) => [k, lock.images[k]!]));
  return `${JSON.stringify({ comment: 'Written by `obsctl images lock`: the registry digest of every image. obsctl render uses image@digest while this file exists.', images }, null, 2)}\n`;
}

/** The image a service runs under the lock (unchanged when the lock does not name it). */
export function lockedImage(image: string, lock: ImageLock | undefined): string {
  const entry = lock?.images[withoutDigest(image)];
  return entry ? `${withoutDigest(image)}@${entry.digest}` : image;
}

/** Applies the lock to every service of a compose object (pure; returns a new object). */
export function applyImageLock<T extends { services?: Record<string, unknown> }>(compose: T, lock: ImageLock | undefined): T {
  if (!lock || !compose.services) return compose;
  const services = Object.fromEntries(
    Object.entries(compose.services).map(([name, s]) => {
      const image = (s as { image?: unknown }).image;
      return [name, typeof image === 'string' ? { ...(s as object), image: lockedImage(image, lock) } : s];
    }),
  );
  return { ...compose, services };
}
