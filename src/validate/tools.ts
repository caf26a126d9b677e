/** The external tools validate needs: probing them, and turning their output into checks. */
import os from 'node:os';
import type { Check } from './types.js';
import type { ToolResult, ToolRunner, ToolRunOptions } from './tool-runner.js';

export type ToolId = 'promtool' | 'amtool' | 'docker-compose';

export interface ToolProbe {
  id: ToolId;
  available: boolean;
  /** First line of the version output when available; why not otherwise. */
  detail: string;
}

export const TOOL_HINTS: Record<ToolId, string> = {
  promtool: 'install promtool: `apt-get install prometheus` (Debian/Ubuntu), or take it from a Prometheus release',
  amtool:
    'install amtool: `apt-get install prometheus-alertmanager` (Debian/Ubuntu), or take it from an Alertmanager release',
  'docker-compose':
    'install Docker Engine with the Compose v2 plugin so that `docker compose version` works (https://docs.docker.com/compose/install/linux/)',
};

const TOOL_LABEL: Record<ToolId, string> = {
  promtool: 'promtool',
  amtool: 'amtool',
  'docker-compose': 'docker compose (v2)',
};

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.trim() ?? '';
}

export async function probeTool(runner: ToolRunner, id: ToolId, cwd: string): Promise<ToolProbe> {
  if (id === 'docker-compose') {
    const r = await runner.run('docker', ['compose', 'version', '--short'], { cwd });
    if (r.notFound) return { id, available: false, detail: 'docker not found on PATH' };
    if (r.exitCode !== 0) {
      const why = firstLine(r.stderr) || firstLine(r.stdout) || `exit code ${r.exitCode}`;
      return { id, available: false, detail: `\`docker compose\` is not available (Compose v2 plugin missing?): ${why}` };
    }
    const version = firstLine(r.stdout);
    const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? NaN);
    if (!(major >= 2)) {
      return { id, available: false, detail: `docker compose reports version "${version}", need Compose v2 or later` };
    }
    return { id, available: true, detail: `docker compose ${version}` };
  }
  const r = await runner.run(id, ['--version'], { cwd });
  if (r.notFound) return { id, available: false, detail: `${id} not found on PATH` };
  if (r.exitCode !== 0) {
    return { id, available: false, detail: `\`${id} --version\` failed: ${firstLine(r.stderr) || `exit code ${r.exitCode}`}` };
  }
  // promtool/amtool print the version on stdout (older builds on stderr).
  return { id, available: true, detail: firstLine(r.stdout) || firstLine(r.stderr) };
}

/** The check that stands in for `name` when its tool is missing: skip, or fail under strict. */
export function missingToolCheck(probe: ToolProbe, name: string, strict: boolean, what?: string): Check {
  const detail = `${TOOL_LABEL[probe.id]} unavailable: ${probe.detail}${what ? ` (${what} not checked)` : ''}`;
  return { name, status: strict ? 'fail' : 'skip', detail, hint: TOOL_HINTS[probe.id] };
}

const MAX_DETAIL = 4000;

/**
 * Tool output for a check detail: ANSI stripped, trimmed, capped. stdout first: promtool prints
 * its "Checking FILE" header there and the reason on stderr; amtool prints header and reason on
 * stdout and only a summary on stderr.
 */
export function toolOutput(r: Pick<ToolResult, 'stdout' | 'stderr' | 'exitCode'>): string {
  const clean = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').trim();
  const text = [clean(r.stdout), clean(r.stderr)].filter(Boolean).join('\n');
  if (!text) return `exit code ${r.exitCode}, no output`;
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}\n… (${text.length - MAX_DETAIL} more characters)` : text;
}

/** One line out of a tool's success output, for the detail of a passing check. */
export function passSummary(r: Pick<ToolResult, 'stdout' | 'stderr'>, fallback: string): string {
  const lines = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Checking |^Unit Testing:/.test(l));
  // amtool lists what it found as "Found:" then " - route" lines
  const s = lines.join('; ').replace(/:; - /g, ': ').replace(/; - /g, ', ');
  return s ? (s.length > 300 ? `${s.slice(0, 300)}…` : s) : fallback;
}

/** How many tool processes validate runs at once. */
export const toolParallelism = () => Math.max(2, os.availableParallelism());

/** Runs a tool through the runner with at most `limit` children at once. */
export function limitedRunner(runner: ToolRunner, limit = toolParallelism()): ToolRunner {
  let active = 0;
  const queue: (() => void)[] = [];
  return {
    async run(cmd: string, args: readonly string[], opts: ToolRunOptions) {
      if (active < limit) active++;
      else await new Promise<void>((resolve) => queue.push(resolve)); // the slot is handed over
      try {
        return await runner.run(cmd, args, opts);
      } finally {
        const next = queue.shift();
        if (next) next();
        else active--;
      }
    },
  };
}

/**
 * Long runs (`lane: 'long'`: promtool's unit tests, seconds each, one per core) and the short ones
 * (probes, check config/rules, amtool, compose config: ~0.1-0.3 s) each with their own `limit`. In
 * one queue the short checks waited for the unit tests to end and then ran with a core idle
 * (issue 15); beside them they cost the tests a few time slices.
 */
export function lanedRunner(runner: ToolRunner, limit = toolParallelism()): ToolRunner {
  const long = limitedRunner(runner, limit);
  const short = limitedRunner(runner, limit);
  return { run: (cmd, args, opts) => (opts.lane === 'long' ? long : short).run(cmd, args, opts) };
}
