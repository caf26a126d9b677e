/** How validate runs external tools: an interface so tests can fake it, and the execa adapter. */
import { execa } from 'execa';

export interface ToolRunOptions {
  cwd: string;
  /** Extra variables for the child only, on top of the runner's base environment. */
  env?: Record<string, string>;
  /** A run of seconds (promtool's unit tests): scheduled apart from the short ones (lanedRunner). */
  lane?: 'long';
}

export interface ToolResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The command is not on PATH (spawn ENOENT). `exitCode` is 127 then. */
  notFound?: boolean;
}

export interface ToolRunner {
  run(cmd: string, args: readonly string[], opts: ToolRunOptions): Promise<ToolResult>;
}

export interface ExecaToolRunnerOptions {
  /** Environment the children start from (default: process.env). PATH here decides tool lookup. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Kill a tool that runs longer than this (default 120 s). */
  timeoutMs?: number;
}

export function createExecaToolRunner(options: ExecaToolRunnerOptions = {}): ToolRunner {
  const baseEnv = options.baseEnv ?? process.env;
  const timeout = options.timeoutMs ?? 120_000;
  return {
    async run(cmd, args, opts) {
      const result = await execa(cmd, [...args], {
        cwd: opts.cwd,
        env: { ...baseEnv, ...opts.env },
        extendEnv: false,
        reject: false,
        timeout,
        stdin: 'ignore',
      });
      if (result.code === 'ENOENT' && result.exitCode === undefined) {
        return { exitCode: 127, stdout: '', stderr: `${cmd}: command not found`, notFound: true };
      }
      const stdout = String(result.stdout ?? '');
      const stderr = String(result.stderr ?? '');
      if (result.exitCode === undefined) {
        // Killed (timeout) or could not be spawned for another reason.
        return { exitCode: -1, stdout, stderr: [stderr, result.shortMessage].filter(Boolean).join('\n') };
      }
      return { exitCode: result.exitCode, stdout, stderr };
    },
  };
}
