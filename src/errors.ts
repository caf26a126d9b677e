// The catalog of user-facing errors. Every error a user can cause says what happened, why, and what
// to do, and carries the exit code the CLI documents. Anything else that escapes is a bug in obsctl
// and is printed as such (with a stack trace only under OBSCTL_DEBUG=1).

export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  badInput: 2,
  environment: 3,
  /** A bug in obsctl (an unexpected exception), as sysexits' EX_SOFTWARE. */
  bug: 70,
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
  fleetTlsMissing: (file: string, what: string) =>
    new UserError(
      'FLEET_TLS_MISSING',
      `fleet.tls is on but ${what} is not in ${file}.`,
      'Run `obsctl fleet-certs` on the machine that holds the fleet CA (.obsctl/fleet-ca.json; it writes one .obsctl/fleet-hosts/HOST.json per host, mode 0600), copy this host\'s file to the same path here, and run the command again.',
      ExitCode.badInput,
    ),
  fleetTlsLegacy: (legacy: string, wanted: string) =>
    new UserError(
      'FLEET_TLS_LEGACY',
      `${legacy} is the old fleet TLS file, which carries the fleet CA's private key to every host; obsctl now reads this host's own ${wanted}.`,
      'On the machine that holds the fleet CA run `obsctl fleet-certs` (it migrates the old file into .obsctl/fleet-ca.json, which stays there, and one .obsctl/fleet-hosts/HOST.json per host, keeping every certificate and password), copy this host\'s file here, delete the old file on this host, and run the command again.',
      ExitCode.badInput,
    ),
  usage: (message: string, hint?: string) => new UserError('USAGE', message, hint, ExitCode.badInput),
  dockerFailed: (what: string, detail: string) =>
    new UserError('DOCKER_FAILED', `docker ${what} failed: ${detail}`, 'Is the Docker engine running, and are the images present (obsctl up pulls them)?', ExitCode.environment),
  stackInvalid: (details: string[]) =>
    new UserError('STACK_INVALID', 'The rendered stack failed validation; nothing was changed.', 'Run `obsctl validate` for the full report.', ExitCode.checksFailed, details),
  preflightFailed: (count: number, hint: string, details: string[]) =>
    new UserError('PREFLIGHT_FAILED', `${count} preflight check${count > 1 ? 's' : ''} failed; nothing was changed.`, hint, ExitCode.environment, details),
  imagesMissing: (missing: string[]) =>
    new UserError(
      'IMAGES_MISSING',
      `${missing.length} image${missing.length > 1 ? 's are' : ' is'} missing and pulling is off (--pull never).`,
      'Load them with `obsctl images load FILE` (made by `obsctl images save` on a connected host), or allow pulls.',
      ExitCode.environment,
      missing.map((m) => `missing: ${m}`),
    ),
  imagePullFailed: (missing: string[], reason: string) =>
    new UserError(
      'IMAGE_PULL_FAILED',
      `Could not pull ${missing.length} missing image${missing.length > 1 ? 's' : ''}: ${reason}`,
      'Check the network and registry access (docker login for private registries), set images.registry to a mirror, or load an archive made elsewhere with `obsctl images load`.',
      ExitCode.environment,
      missing.map((m) => `missing: ${m}`),
    ),
  upFailed: (details: string[]) =>
    new UserError('UP_FAILED', 'docker compose up did not bring every service to healthy.', 'Fix the service named above, then run `obsctl up` again; `obsctl logs SERVICE` shows more.', ExitCode.checksFailed, details),
  upRolledBack: (failure: string[], restored: string[]) =>
    new UserError(
      'UP_ROLLED_BACK',
      'The new stack did not become healthy; obsctl restored the last good stack (data volumes untouched).',
      'Fix what is named above (obsctl.yaml, an image override), then run `obsctl up` again; `obsctl up --no-rollback` leaves a failing stack in place for debugging.',
      ExitCode.checksFailed,
      ['what failed:', ...failure.map((l) => `  ${l}`), ...restored],
    ),
  noLastGood: (project: string, dir: string) =>
    new UserError('NO_LAST_GOOD', `No last good stack of ${project} to roll back to (${dir} is missing).`, 'A stack becomes the last good one when `obsctl up` brings it up healthy.', ExitCode.badInput),
  rollbackFailed: (lines: string[]) =>
    new UserError('ROLLBACK_FAILED', 'The last good stack did not come up healthy either.', 'See the services above and `obsctl logs SERVICE`; data volumes were not touched.', ExitCode.checksFailed, lines),
  reloadFailed: (service: string, detail: string) =>
    new UserError('RELOAD_FAILED', `${service} rejected the new config; it keeps running the previous one.`, 'Run `obsctl validate` and fix the reported problem.', ExitCode.checksFailed, [detail]),
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

/** Every exit code obsctl returns, for README and --help (a test keeps both in step with ExitCode). */
export const exitCodeTable: [number, string][] = [
  [ExitCode.ok, 'ok (plan: nothing to do)'],
  [ExitCode.checksFailed, 'checks failed (validate, verify, an unhealthy service at up); plan: there are changes'],
  [ExitCode.badInput, 'bad input or usage (obsctl.yaml errors, unknown flags)'],
  [ExitCode.environment, 'environment problem (no Docker engine, port in use, image missing offline, no GPU runtime)'],
  [ExitCode.bug, 'a bug in obsctl (please report it; OBSCTL_DEBUG=1 prints a stack trace)'],
];
