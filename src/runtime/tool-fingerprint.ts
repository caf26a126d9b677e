// Which promtool, amtool and docker compose would validate a stack, as a string that changes when
// any of them changes (another file on PATH, an upgrade in place): path, resolved path, size and
// mtime of each, from stat alone (no process started). Part of the validation caches' keys.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const fileStamp = (file: string): string | undefined => {
  try {
    const s = fs.statSync(file);
    if (!s.isFile()) return undefined;
    // The resolved path too: /opt/tools/bin/promtool -> ../versions/promtool_3.5.3/... switched to
    // another version of the same size and mtime is another tool.
    const real = fs.realpathSync(file);
    return `${file}${real === file ? '' : ` -> ${real}`}:${s.size}:${Math.round(s.mtimeMs)}`;
  } catch {
    return undefined;
  }
};

export type StampedTool = 'promtool' | 'amtool' | 'docker' | 'docker-compose';

/** The first `name` on PATH, stamped; undefined when there is none. */
function onPathStamp(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const d of dirs) {
    const s = fileStamp(path.join(d, name));
    if (s) return s;
  }
  return undefined;
}

/** The Compose v2 plugin where the Docker CLI looks for it (docs.docker.com/compose/install/linux). */
function composePluginStamp(env: NodeJS.ProcessEnv): string | undefined {
  const pluginDirs = [path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'cli-plugins'), '/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins'];
  for (const d of pluginDirs) {
    const s = fileStamp(path.join(d, 'docker-compose'));
    if (s) return s;
  }
  return undefined;
}

/** One tool's identity; `docker-compose` is the plugin alone (`docker compose` runs docker and it). */
export function toolStamp(tool: StampedTool, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return tool === 'docker-compose' ? composePluginStamp(env) : onPathStamp(tool, env);
}

export function toolsFingerprint(env: NodeJS.ProcessEnv = process.env): string {
  const tools: StampedTool[] = ['promtool', 'amtool', 'docker', 'docker-compose'];
  return tools.map((t) => toolStamp(t, env) ?? `${t}:missing`).join('\n');
}
