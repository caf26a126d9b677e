// Finds a program on PATH (CI puts the Debian trixie tools first, from .ci/install-tools.sh), so
// tests never hard-code where a distribution installs it.
import fs from 'node:fs';
import path from 'node:path';

export function findBin(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return path.join('/usr/bin', name); // absent: callers skip (or fail in CI) with this path in the message
}
