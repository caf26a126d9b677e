// The catalog of user-facing errors. Every error a user can cause says what happened, why, and what
// to do, and carries the exit code the CLI documents. Anything else that escapes is a bug in obsctl
// and is printed as such (with a stack trace only under OBSCTL_DEBUG=1).

export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  badInput: 2,
  environment: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string | undefined,
    readonly exitCode: ExitCodeValue,
    /** Extra lines printed below the message (a code frame, a list of problems). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export const errors = {
  configInvalid: (file: string, count: number, details: string[]) =>
    new UserError(
      'CONFIG_INVALID',
      `${file} has ${count} problem${count === 1 ? '' : 's'}; nothing was written.`,
      'Fix the lines above and run the command again. `obsctl init --force` writes a fresh commented example.',
      ExitCode.badInput,
      details,
    ),
  configUnreadable: (file: string, reason: string) =>
    new UserError('CONFIG_UNREADABLE', `Cannot read ${file}: ${reason}`, 'Check the path and its permissions.', ExitCode.badInput),
  configExists: (file: string) =>
    new UserError('CONFIG_EXISTS', `${file} already exists; not overwriting it.`, 'Pass --force to replace it (the old file is kept as a .bak copy).', ExitCode.badInput),
  outDirUnsafe: (dir: string, reason: string) =>
    new UserError('OUT_DIR_UNSAFE', `Refusing to write into ${dir}: ${reason}`, 'Choose an empty directory, or one obsctl rendered before.', ExitCode.badInput),
  toolMissing: (tool: string, how: string) =>
    new UserError('TOOL_MISSING', `${tool} is not installed.`, how, ExitCode.environment),
  dockerUnavailable: (reason: string, hint: string) =>
    new UserError('DOCKER_UNAVAILABLE', `Docker engine is not reachable: ${reason}`, hint, ExitCode.environment),
  usage: (message: string, hint?: string) => new UserError('USAGE', message, hint, ExitCode.badInput),
  gpuRecordingInvalid: (file: string, reason: string) =>
    new UserError(
      'GPU_RECORDING_INVALID',
      `${file}: ${reason}`,
      'Pass a dcgm-exporter /metrics output (e.g. made by `obsctl gpu record --out FILE` on the GPU host), or `--simulate-gpu nvidia|gb10` for the built-in recording.',
      ExitCode.badInput,
    ),
  gpuExporterUnreachable: (url: string, reason: string) =>
    new UserError(
      'GPU_EXPORTER_UNREACHABLE',
      `Cannot read ${url}: ${reason}`,
      'Is dcgm-exporter running and listening there? With obsctl\'s stack, pass its address: --url http://ADDRESS:9400/metrics (docker inspect shows the container address).',
      ExitCode.environment,
    ),
};
