// Command wiring only: options (declared once in options.ts, parsed and typed there) go to one
// command module, which calls the app layer and prints. Command modules load lazily so
// `obsctl render` never pays for dockerode.
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { exitCodeTable } from '../errors.js';
import { version } from '../paths.js';
import { configOption, hostOption, jsonOption, parseCount, parseDuration, parseUrl, pullOption, simulateGpuOption, timeoutOption } from './options.js';
import { checkExplicitConfig } from './option-values.js';
import { reportError, setColor, colorLevel } from './output.js';

const exitCodesHelp = `
Exit codes:
${exitCodeTable.map(([code, meaning]) => `  ${String(code).padEnd(3)}${meaning}`).join('\n')}

Colour: off with --no-color or NO_COLOR=1.`;

export async function run(argv: string[]): Promise<number> {
  let exitCode = 0;
  let json = argv.includes('--json');
  const done = async (code: Promise<number>, isJson = false) => {
    json = isJson;
    exitCode = await code;
  };
  const program = new Command('obsctl')
    .description('Observability stack-as-code for GPU hosts (DGX Spark / GB10, NVIDIA, CPU-only)')
    .version(version, '-v, --version')
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .addHelpText('after', exitCodesHelp)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', (_program, command) => checkExplicitConfig(command));
  const command = (name: string, description: string) => program.command(name).description(description).addOption(configOption());
  // Only the command asked for is declared when argv starts with its name: declaring all of them
  // with their options cost ~3 ms of every run (issue 15). Anything else (--help, help CMD, a
  // mistyped command that gets a suggestion, --version) sees them all. A command missing here is
  // declared every time: slower, never wrong.
  const commands = new Set(['init', 'add', 'render', 'validate', 'plan', 'up', 'rollback', 'doctor', 'verify', 'images', 'ci', 'gate', 'gpu', 'fleet-certs', 'status', 'watch', 'logs', 'down']);
  const asked = commands.has(argv[0] ?? '') ? argv[0] : undefined;
  const declare = (name: string) => asked === undefined || asked === name;

  if (declare('init')) command('init', 'write a commented obsctl.yaml for this host (GPU profile detected)')
    .option('-f, --force', 'overwrite an existing obsctl.yaml (kept as obsctl.yaml.bak)', false)
    .option('--name <name>', 'stack name (default: the directory name)')
    .addOption(new Option('--gpu <profile>', 'host profile instead of detection').choices(['auto', 'none', 'nvidia', 'gb10'] as const))
    .option('--app <url>', 'also add your service at URL as a scrape target')
    .option('--schema', 'only (re)write obsctl.schema.json beside obsctl.yaml for this obsctl version (after an upgrade)', false)
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/init.js')).initCommand(o), o.json));

  if (declare('add')) command('add', 'add to obsctl.yaml, keeping its comments: obsctl add target NAME URL | obsctl add integration NAME [HOST:PORT]')
    .argument('<kind>', 'target or integration')
    .argument('<name>')
    .argument('[url]', 'target URL; for integrations redis, vllm and sglang the HOST:PORT')
    .option('--metrics-path <path>', 'path of the metrics endpoint (default /metrics)')
    .option('--secret-env <name>', 'integration secret (postgres DSN, redis password) read from this environment variable')
    .option('--secret-file <path>', 'integration secret read from this file (relative to obsctl.yaml)')
    .addOption(jsonOption())
    .action(async (kind, name, url, o) => done((await import('./commands/add.js')).addCommand(kind, name, url, o), o.json));

  if (declare('render')) command('render', 'render obsctl.yaml into a compose stack on disk (pure; no Docker needed)')
    .addOption(hostOption())
    .option('-o, --out <dir>', 'output directory (default: .obsctl/stack beside obsctl.yaml)')
    .option('--dry-run', 'list what would change, write nothing', false)
    .addOption(simulateGpuOption('replace the GPU exporter by recorded real output (nvidia|gb10, or a recording FILE)'))
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/render.js')).renderCommand(o), o.json));

  if (declare('validate')) command('validate', 'render to a temporary directory and check it with promtool, amtool and docker compose')
    .addOption(hostOption())
    .option('--dir <dir>', 'validate an already rendered stack directory instead')
    .option('--strict', 'a missing tool is a failure (use in CI)', false)
    .addOption(simulateGpuOption('validate the simulated-GPU variant (nvidia|gb10|FILE)'))
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/validate.js')).validateCommand(o), o.json));

  if (declare('plan')) command('plan', 'what `up` would do, doing none of it: services created/recreated/reloaded, files, images, preflight')
    .addOption(hostOption())
    .addOption(pullOption())
    .addOption(simulateGpuOption('plan the simulated-GPU variant (nvidia|gb10|FILE)'))
    .addOption(jsonOption())
    .addHelpText('after', '\nExit 0: nothing to do. Exit 1: up would change something (a drift check for CI).')
    .action(async (o) => done((await import('./commands/plan.js')).planCommand(o), o.json));

  if (declare('up')) command('up', 'render, validate and start the stack; wait until every service is healthy')
    .addOption(hostOption())
    .addOption(pullOption())
    .addOption(timeoutOption('how long to wait for healthy services', 180))
    .addOption(simulateGpuOption('no GPU: serve recorded real dcgm-exporter output instead (nvidia|gb10, or a FILE from `obsctl gpu record`)'))
    .addOption(new Option('--no-rollback', 'leave a stack that fails to become healthy as it is (default: restore the last good one)'))
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/up.js')).upCommand(o), o.json));

  if (declare('rollback')) command('rollback', 'bring back the last stack that came up healthy (data volumes untouched)')
    .addOption(hostOption())
    .addOption(timeoutOption('how long to wait for healthy services', 180))
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/rollback.js')).rollbackCommand(o), o.json));

  if (declare('doctor')) command('doctor', 'read-only check of this host for obsctl.yaml: engine, Compose, GPU, ports, disk, images, clock; each finding with its fix')
    .addOption(hostOption())
    .addOption(simulateGpuOption('check for the simulated-GPU variant (no GPU runtime needed)'))
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/doctor.js')).doctor(o), o.json));

  if (declare('verify')) command('verify', 'prove the stack is observing: services, targets, series, rules, alert path, dashboards')
    .addOption(hostOption())
    .addOption(new Option('--prometheus <url>', 'verify a stack elsewhere: its Prometheus URL').argParser(parseUrl))
    .addOption(new Option('--alertmanager <url>', 'its Alertmanager URL').argParser(parseUrl))
    .addOption(new Option('--grafana <url>', 'its Grafana URL').argParser(parseUrl))
    .addOption(new Option('--wait <duration>', 'retry until every check passes or this long has passed (e.g. 2m)').argParser(parseDuration))
    .option('--no-wait', 'judge now: on a new stack, checks whose data cannot exist yet are listed as pending')
    .option('--static', 'no running stack: render, validate --strict and rule unit tests (for pull requests)', false)
    .option('--strict', 'warnings fail too', false)
    .addOption(timeoutOption('per-check timeout', 10))
    .option('--junit <file>', 'also write JUnit XML to this file')
    .addOption(simulateGpuOption('with --static: check the simulated-GPU variant'))
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/verify.js')).verifyCommand(o), o.json));

  if (declare('images')) command('images', "list the stack's images, lock them by digest (obsctl.lock), or save/load them as one archive for air-gapped hosts")
    .argument('<action>', 'list, lock, save or load')
    .argument('[file]')
    .addOption(new Option('--pull <policy>', 'lock: pull before reading digests (never: use the local images)').choices(['missing', 'always', 'never'] as const))
    .addOption(hostOption())
    .addOption(simulateGpuOption('include the simulated GPU exporter instead'))
    .addOption(jsonOption())
    .action(async (action, file, o) => done((await import('./commands/images.js')).imagesCommand(action, file, o), o.json));

  if (declare('ci')) command('ci', 'CI without a GPU: render, validate --strict, up --simulate-gpu, verify --wait, down')
    .addOption(hostOption())
    .addOption(simulateGpuOption('GPU to simulate: nvidia|gb10 or a recording FILE (default: gb10 if configured, else nvidia)'))
    .addOption(new Option('--wait <duration>', 'how long verify may wait for first scrapes and rules').argParser(parseDuration).default(120, '2m'))
    .addOption(timeoutOption('per-check timeout', 10))
    .option('--junit <file>', 'write JUnit XML of every step and check')
    .option('--keep', 'leave the stack running afterwards', false)
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/ci.js')).ciCommand(o), o.json));

  if (declare('gate')) command('gate', 'GO/NO-GO for a deploy from the SLOs: exit 0 GO, 1 NO-GO (with the evidence), 3 cannot tell')
    .option('--slo <name...>', 'only these SLOs (default: all)')
    .option('--window <duration>', 'burn rate over this last window', '1h')
    .option('--max-burn <factor>', 'NO-GO above this burn rate over the window (1 = spending exactly the budget)', '1')
    .option('--prometheus <url>', 'the Prometheus to ask (default: this stack\'s)')
    .option('--wait <duration>', 'watch this long (a canary), exiting at the first NO-GO')
    .option('--every <duration>', 'with --wait: how often to look', '30s')
    .option('--timeout <seconds>', 'per Prometheus query (the period\'s budget reads days of samples)', '30')
    .option('--junit <file>', 'also write JUnit XML to this file')
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/gate.js')).gateCommand(o as never), o.json));

  if (declare('gpu')) program
    .command('gpu')
    .description('GPU tools')
    .command('record')
    .description("capture a live dcgm-exporter's /metrics into a file that --simulate-gpu=FILE replays (pod/namespace/hostname labels removed)")
    .addOption(new Option('--url <url>', "the exporter's /metrics URL").argParser(parseUrl).default('http://127.0.0.1:9400/metrics'))
    .option('-o, --out <file>', 'write the recording here (default: stdout)')
    .option('--duration <duration>', 'how long to record (several scrapes are merged)', '30s')
    .option('--interval <duration>', 'time between scrapes', '5s')
    .option('--keep-labels', 'keep the pod/namespace/container/hostname labels', false)
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/gpu.js')).gpuRecord(o), o.json));

  if (declare('fleet-certs')) command('fleet-certs', 'fleet.tls: the fleet CA (.obsctl/fleet-ca.json, stays here) and a bundle per host to copy there (.obsctl/fleet-hosts/HOST.json, 0600)')
    .option('--rotate', "re-issue every host's certificate (same CA: no failed scrape while hosts update)", false)
    .option('--rotate-ca', 'a new CA, trusted beside the old one; certificates move to it with the next --rotate', false)
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/fleet-certs.js')).fleetCertsCommand(o), o.json));

  if (declare('status')) command('status', 'one table: service, state, health, published address, uptime, image')
    .addOption(hostOption())
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/status.js')).statusCommand(o), o.json));

  if (declare('watch')) command('watch', 'live stack state: services, targets, firing alerts, GPUs (a terminal view, lines, NDJSON or SSE)')
    .addOption(hostOption())
    .addOption(new Option('--prometheus <url>', 'watch a stack elsewhere: its Prometheus URL').argParser(parseUrl))
    .addOption(new Option('--alertmanager <url>', 'its Alertmanager URL').argParser(parseUrl))
    .option('--interval <duration>', 'how often Prometheus and Alertmanager are polled', '2s')
    .option('--json', 'NDJSON: one event per line', false)
    .option('--until <event[:match]>', 'exit 0 at the first such event (e.g. target_up:node-exporter)')
    .option('--timeout <duration>', 'give up after this long (exit 1 with --until)')
    .option('--serve <host:port>', 'also serve the events as SSE (/events), a page (/) and metrics (/metrics)')
    .option('--token <token>', 'token SSE clients must send (default: OBSCTL_WATCH_TOKEN or a random one)')
    .option('--no-token', 'no token (only with a loopback --serve address)')
    .option('--max-clients <n>', 'concurrent SSE clients', '10')
    .action(async (o) => done((await import('./commands/watch.js')).watch(o), o.json));

  if (declare('logs')) command('logs', 'show the logs of the stack or of one service')
    .argument('[service]')
    .addOption(hostOption())
    .option('-f, --follow', 'follow', false)
    .addOption(new Option('--tail <lines>', 'lines from the end').argParser(parseCount))
    .action(async (service, o) => done((await import('./commands/logs.js')).logsCommand(service, o)));

  if (declare('down')) command('down', 'stop and remove the containers; volumes are kept unless --volumes')
    .addOption(hostOption())
    .option('--volumes', 'also delete the volumes (all stored data); asks first', false)
    .option('-y, --yes', 'do not ask', false)
    .addOption(jsonOption())
    .action(async (o) => done((await import('./commands/down.js')).downCommand(o), o.json));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(e, json);
  }
}

export function configureColor(argv: string[]): void {
  setColor(colorLevel(argv, process.env, Boolean(process.stdout.isTTY)));
}
