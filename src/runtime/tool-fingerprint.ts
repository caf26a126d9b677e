// Which promtool, amtool and docker compose would validate a stack, as a string that changes when
// any of them changes (another file on PATH, an upgrade in place): path, size and mtime of each,
// from stat alone (no process started). Part of the validation cache's key.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const stamp = (file: string) => {
  try {
    const s = fs.statSync(file);
    return s.isFile() ? `${file}:${s.size}:${Math.round(s.mtimeMs)}` : undefined;
  } catch {
    return undefined;
  }
};

export function toolsFingerprint(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const onPath = (name: string) => dirs.map((d) => stamp(path.join(d, name))).find(Boolean) ?? `${name}:missing`;
  // Where the Docker CLI looks for the compose plugin (docs.docker.com/compose/install/linux).
  const pluginDirs = [path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'cli-plugins'), '/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins'];
  const plugin = pluginDirs.map((d) => stamp(path.join(d, 'docker-compose'))).find(Boolean) ?? 'docker-compose:missing';
  return [onPath('promtool'), onPath('amtool'), onPath('docker'), plugin].join('\n');
}
