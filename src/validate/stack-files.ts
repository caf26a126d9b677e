/** Where things sit in a rendered stack (docs/design.md), and Go-style globbing of rule_files. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export const STACK_PATHS = {
  compose: 'compose.yaml',
  prometheusConfig: 'prometheus/prometheus.yml',
  rulesDir: 'prometheus/rules',
  testsDir: 'prometheus/tests',
  alertmanagerConfig: 'alertmanager/alertmanager.yml',
  dashboardsDir: 'grafana/dashboards',
} as const;

export interface StackFiles {
  /** Absolute stack directory. */
  root: string;
  /** Stack-relative POSIX paths, sorted. */
  ruleFiles: string[];
  testFiles: string[];
  dashboardFiles: string[];
}

async function listDir(root: string, dir: string, suffix: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(path.join(root, dir));
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith(suffix)).sort().map((n) => `${dir}/${n}`);
}

export async function listStackFiles(root: string): Promise<StackFiles> {
  const [ruleFiles, testFiles, dashboardFiles] = await Promise.all([
    listDir(root, STACK_PATHS.rulesDir, '.rules.yml'),
    listDir(root, STACK_PATHS.testsDir, '.test.yml'),
    listDir(root, STACK_PATHS.dashboardsDir, '.json'),
  ]);
  return { root, ruleFiles, testFiles, dashboardFiles };
}

const MAX_FILES = 2000;

/**
 * Every regular file under `dir` (stack-relative, sorted), for a check whose tool may read any of
 * them; undefined when there are more than a stack renders (such a check is then not cached).
 */
export async function filesUnder(root: string, dir = ''): Promise<string[] | undefined> {
  let entries;
  try {
    entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  if (entries.length > MAX_FILES) return undefined;
  return entries
    .filter((e) => e.isFile())
    .map((e) => rel(root, path.join(e.parentPath, e.name)))
    .sort();
}

export async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

export async function readText(root: string, rel: string): Promise<string> {
  return readFile(path.join(root, rel), 'utf8');
}

const GLOB_MAGIC = /[*?[]/;

/** Go `path.Match` pattern for one segment as a RegExp (`*`, `?`, `[...]` with `^` negation). */
function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) return /(?!)/; // malformed: Go reports ErrBadPattern, match nothing
      let cls = segment.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1).replace(/[\\\]]/g, '\\$&')}`;
      else cls = cls.replace(/[\\\]^]/g, '\\$&');
      re += `[${cls}]`;
      i = end;
    } else if (c === '\\' && i + 1 < segment.length) re += segment[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Files matching `pattern` relative to `baseDir`, like Go's filepath.Glob as Prometheus and
 * promtool use it for rule_files (no `**`). Returns absolute paths, sorted.
 */
export async function globFiles(baseDir: string, pattern: string): Promise<string[]> {
  let candidates = [path.isAbsolute(pattern) ? path.parse(pattern).root : baseDir];
  const segments = (path.isAbsolute(pattern) ? pattern.slice(path.parse(pattern).root.length) : pattern)
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!GLOB_MAGIC.test(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      const re = segmentRegExp(segment);
      let names: string[] = [];
      try {
        names = await readdir(dir);
      } catch {
        /* not a directory: no match */
      }
      for (const n of names.sort()) if (re.test(n)) next.push(path.join(dir, n));
    }
    candidates = next;
  }
  const files: string[] = [];
  for (const c of candidates) if (await isFile(c)) files.push(c);
  return files.sort();
}

/** Stack-relative POSIX form of an absolute path. */
export function rel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}
