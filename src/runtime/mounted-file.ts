// A file the engine bind-mounts into a running container (a Compose secret's `file:`, a fleet
// certificate). Written in place, so the same inode stays mounted and the container sees a changed
// value; left untouched when unchanged. Its directory is 0700, so on the host only its owner reaches
// it; the file's own mode is what the container's (non-root) user gets, since the mount keeps it.
import fs from 'node:fs';
import path from 'node:path';

export function writeMountedFile(dir: string, name: string, value: string, mode: number): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, name);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === value) return;
  // A read-only mode (0444) would stop a non-root owner rewriting it.
  if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  fs.writeFileSync(file, value, { mode });
  fs.chmodSync(file, mode);
}
