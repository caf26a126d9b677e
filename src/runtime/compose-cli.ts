// The real `docker compose` (v2), run through execa. obsctl does not reimplement Compose: it hands
// it the rendered file under a stable project name, so `docker compose -p NAME ps/logs` work by hand.
import { plainLines } from './plain-text.js';

import type { Compose, ComposeProject, ComposeResult, ImageArchive } from '../app/ports.js';
import { errors } from '../errors.js';
import type { ToolResult, ToolRunner } from '../validate/tool-runner.js';

export type { ComposeProject, ComposeResult } from '../app/ports.js';

// execa (~260 kB bundled) loads on the first Compose call: the composition root builds this adapter
// for every command, and render, plan or a no-change up never run Compose (issue 15).
const loadExeca = async () => (await import('execa')).execa;

export interface PsEntry {
  Service: string;
  State: string;
  Health: string;
  ID: string;
}

export class ComposeCli implements Compose {
  constructor(readonly project: ComposeProject) {}

  private args(rest: string[]): string[] {
    return ['compose', '--project-name', this.project.name, '--project-directory', this.project.dir, '-f', `${this.project.dir}/compose.yaml`, ...rest];
  }

  /** plain: inherited output without terminal control sequences (stdout is a pipe or a file). */
  async run(rest: string[], options: { inherit?: boolean; plain?: boolean; timeoutMs?: number } = {}): Promise<ComposeResult> {
    const r = await (await loadExeca())('docker', this.args(rest), {
      env: { ...process.env, ...this.project.env },
      reject: false,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      ...(options.inherit ? (options.plain ? { stdout: [plainLines, 'inherit'], stderr: [plainLines, 'inherit'] } : { stdout: 'inherit', stderr: 'inherit' }) : {}),
    });
    return { ok: r.exitCode === 0, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  }

  static async version(): Promise<string | undefined> {
    const r = await composeVersionOutput();
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** Images are pulled (or refused) by `up` itself before this: Compose never pulls. */
  up(options: { waitSeconds: number; progress: 'plain' | 'auto' }) {
    return this.run(
      ['--progress', options.progress, 'up', '--detach', '--wait', '--wait-timeout', String(options.waitSeconds), '--remove-orphans', '--pull', 'never'],
      { timeoutMs: (options.waitSeconds + 120) * 1000 },
    );
  }

  restart(service: string) {
    return this.run(['restart', service]);
  }

  async ps(): Promise<PsEntry[]> {
    const r = await this.run(['ps', '--all', '--format', 'json']);
    if (!r.ok) return [];
    const text = r.stdout.trim();
    if (!text) return [];
    // Compose 2.21+ prints one JSON object per line; older ones a JSON array.
    return text.startsWith('[') ? (JSON.parse(text) as PsEntry[]) : text.split('\n').map((l) => JSON.parse(l) as PsEntry);
  }

  logs(service: string | undefined, options: { follow: boolean; tail?: number; inherit: boolean; plain?: boolean }) {
    return this.run(['logs', '--no-color', ...(options.follow ? ['--follow'] : []), ...(options.tail ? ['--tail', String(options.tail)] : []), ...(service ? [service] : [])], {
      inherit: options.inherit,
      ...(options.plain ? { plain: true } : {}),
    });
  }

  down(options: { volumes: boolean }) {
    return this.run(['down', '--remove-orphans', ...(options.volumes ? ['--volumes'] : [])]);
  }
}

const VERSION_ARGS = ['compose', 'version', '--short'];
let versionOutput: Promise<ToolResult> | undefined;

/**
 * `docker compose version --short`, run at most once per obsctl process: `up` validates (whose
 * probe of Compose asks it) while it preflights (whose Compose check asks it), and each run is three
 * Go programs starting (docker, the plugin's metadata, the plugin): ~0.2-0.3 s of CPU (issue 15).
 */
export function composeVersionOutput(): Promise<ToolResult> {
  return (versionOutput ??= import('../validate/tool-runner.js').then((m) => m.createExecaToolRunner().run('docker', VERSION_ARGS, { cwd: process.cwd() })));
}

/** `runner`, but its `docker compose version --short` is the one of composeVersionOutput(). */
export function sharingComposeVersion(runner: ToolRunner): ToolRunner {
  return {
    run: (cmd, args, opts) => (cmd === 'docker' && !opts.env && args.join(' ') === VERSION_ARGS.join(' ') ? composeVersionOutput() : runner.run(cmd, args, opts)),
  };
}

/** `docker image save/load` (the archive format Docker and Podman both read). */
export const dockerImageArchive: ImageArchive = {
  save: (file, images) => docker(['save', '-o', file, ...images]),
  load: (file) => docker(['load', '-i', file]),
};

async function docker(args: string[]): Promise<void> {
  // docker's own lines ("Loaded image: ...") go to stderr: stdout is kept for --json.
  const r = await (await loadExeca())('docker', args, { reject: false, stdout: process.stderr, stderr: 'pipe' });
  if (r.exitCode !== 0) throw errors.dockerFailed(args[0]!, String(r.stderr).trim().split('\n').pop() ?? '');
}
