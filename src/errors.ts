// The catalog of user-facing errors. Every error a user can cause says what happened, why, and what
// to do, and carries the exit code the CLI documents. Anything else that escapes is a bug in obsctl
// and is printed as such (with a stack trace only under OBSCTL_DEBUG=1).

export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  badInput: 2,
  environment: 3,
  /** A bug in obsctl (an unexpected exception), never the user's input: see reportError. */
  internal: 70,
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
  configUnreadable: (file: string, reason: string, hint = 'Check the path and its permissions.') =>
    new UserError('CONFIG_UNREADABLE', `Cannot read ${file}: ${reason}`, hint, ExitCode.badInput),
  configMissing: (file: string) =>
    new UserError('CONFIG_MISSING', `${file} does not exist.`, 'Check the path given with -c, or run `obsctl init -c FILE` to write one. Without -c, obsctl uses ./obsctl.yaml or its built-in defaults.', ExitCode.badInput),
  configExists: (file: string) =>
    new UserError('CONFIG_EXISTS', `${file} already exists; not overwriting it.`, 'Pass --force to replace it (the old file is kept as a .bak copy).', ExitCode.badInput),
  outDirUnsafe: (dir: string, reason: string) =>
    new UserError('OUT_DIR_UNSAFE', `Refusing to write into ${dir}: ${reason}`, 'Choose an empty directory, or one obsctl rendered before.', ExitCode.badInput),
  toolMissing: (tool: string, how: string) =>
    new UserError('TOOL_MISSING', `${tool} is not installed.`, how, ExitCode.environment),
  dockerUnavailable: (reason: string, hint: string) =>
    new UserError('DOCKER_UNAVAILABLE', `Docker engine is not reachable: ${reason}`, hint, ExitCode.environment),
  usage: (message: string, hint?: string) => new UserError('USAGE', message, hint, ExitCode.badInput),
};
