// Plain file access for the app layer's ports: a missing file is `undefined`, not an exception.
import fs from 'node:fs';
import path from 'node:path';

export function readTextFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export function writeTextFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Is / a shared mount (so `rslave` bind mounts of it work)? Read from /proc/self/mountinfo. */
export function rootMountIsShared(mountinfo = '/proc/self/mountinfo'): boolean | undefined {
  try {
    const root = fs
      .readFileSync(mountinfo, 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f[4] === '/')
      .at(-1);
    return root ? root.slice(6, root.indexOf('-')).some((tag) => tag.startsWith('shared:')) : undefined;
  } catch {
    return undefined;
  }
}
