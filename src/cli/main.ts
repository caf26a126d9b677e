// Command wiring only: parse flags, hand a typed options object to one command module. Command
// modules load lazily so `obsctl render` never pays for dockerode.
import { Command, CommanderError, Option } from 'commander';
import { version } from '../paths.js';
import { reportError, setColor, colorLevel } from './output.js';

const exitCodesHelp = `
Exit codes:
  0  ok
  1  checks failed (validate, verify)
  2  bad input or usage (obsctl.yaml errors, unknown flags)
  3  environment problem (no Docker engine, missing tool)

Colour: off with --no-color or NO_COLOR=1.`;

export async function run(argv: string[]): Promise<number> {
  let exitCode = 0;
  let json = argv.includes('--json');
  const program = new Command('obsctl')
    .description('Observability stack-as-code for GPU hosts (DGX Spark / GB10, NVIDIA, CPU-only)')
    .version(version, '-v, --version')
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .addHelpText('after', exitCodesHelp)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const config = () => new Option('-c, --config <file>', 'path to obsctl.yaml').default('obsctl.yaml');
  const action =
    <T>(load: () => Promise<(options: T) => Promise<number>>) =>
    async (options: Record<string, unknown>) => {
      json = Boolean(options.json);
      const fn = await load();
      exitCode = await fn(options as T);
    };

  program
    .command('init')
    .description('write a commented obsctl.yaml for this host (GPU profile detected)')
    .addOption(config())
    .option('-f, --force', 'overwrite an existing obsctl.yaml (kept as obsctl.yaml.bak)', false)
    .option('--name <name>', 'stack name (default: the directory name)')
    .addOption(new Option('--gpu <profile>', 'host profile instead of detection').choices(['auto', 'none', 'nvidia', 'gb10']))
    .option('--app <url>', 'also add your service at URL as a scrape target')
    .option('--schema', 'only (re)write obsctl.schema.json beside obsctl.yaml for this obsctl version (after an upgrade)', false)
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/init.js')).init));

  program
    .command('add <kind> <name> <url>')
    .description('add to obsctl.yaml, keeping its comments: obsctl add target NAME URL')
    .addOption(config())
    .option('--metrics-path <path>', 'path of the metrics endpoint (default /metrics)')
    .option('--json', 'machine-readable output', false)
    .action(async (kind: string, name: string, url: string, options: Record<string, unknown>) => {
      json = Boolean(options.json);
      const { add } = await import('./commands/add.js');
      exitCode = await add(kind, name, url, options as never);
    });

  program
    .command('render')
    .description('render obsctl.yaml into a compose stack on disk (pure; no Docker needed)')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('-o, --out <dir>', 'output directory (default: .obsctl/stack beside obsctl.yaml)')
    .option('--dry-run', 'list what would change, write nothing', false)
    .option('--simulate-gpu [profile]', 'replace the GPU exporter by recorded real output (nvidia|gb10, or a recording FILE)')
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/render.js')).renderCommand));

  program
    .command('validate')
    .description('render to a temporary directory and check it with promtool, amtool and docker compose')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('--dir <dir>', 'validate an already rendered stack directory instead')
    .option('--strict', 'a missing tool is a failure (use in CI)', false)
    .option('--simulate-gpu [profile]', 'validate the simulated-GPU variant (nvidia|gb10|FILE)')
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/validate.js')).validateCommand));

  program
    .command('up')
    .description('render, validate and start the stack; wait until every service is healthy')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .addOption(new Option('--pull <policy>', 'image pulls (default: images.pull_policy)').choices(['missing', 'always', 'never']))
    .option('--timeout <seconds>', 'how long to wait for healthy services', '180')
    .option('--simulate-gpu [profile]', 'no GPU: serve recorded real dcgm-exporter output instead (nvidia|gb10, or a FILE from `obsctl gpu record`)')
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/up.js')).up));

  program
    .command('doctor')
    .description('read-only check of this host for obsctl.yaml: engine, Compose, GPU, ports, disk, images, clock; each finding with its fix')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('--simulate-gpu [profile]', 'check for the simulated-GPU variant (no GPU runtime needed)')
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/doctor.js')).doctor));

  program
    .command('verify')
    .description('prove the stack is observing: services, targets, series, rules, alert path, dashboards')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('--prometheus <url>', 'verify a stack elsewhere: its Prometheus URL')
    .option('--alertmanager <url>', 'its Alertmanager URL')
    .option('--grafana <url>', 'its Grafana URL')
    .option('--wait <duration>', 'retry until every check passes or this long has passed (e.g. 2m)')
    .option('--no-wait', 'judge now: on a new stack, checks whose data cannot exist yet are listed as pending')
    .option('--static', 'no running stack: render, validate --strict and rule unit tests (for pull requests)', false)
    .option('--strict', 'warnings fail too', false)
    .option('--timeout <seconds>', 'per-check timeout', '10')
    .option('--junit <file>', 'also write JUnit XML to this file')
    .option('--simulate-gpu [profile]', 'with --static: check the simulated-GPU variant')
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/verify.js')).verify));

  program
    .command('images <action> [file]')
    .description('list the stack\'s images, or save/load them as one archive for air-gapped hosts')
    .addOption(config())
    .option('--simulate-gpu [profile]', 'include the simulated GPU exporter instead')
    .option('--json', 'machine-readable output', false)
    .action(async (actionName: string, file: string | undefined, options: Record<string, unknown>) => {
      json = Boolean(options.json);
      const { images } = await import('./commands/images.js');
      exitCode = await images(actionName, file, options as never);
    });

  program
    .command('ci')
    .description('CI without a GPU: render, validate --strict, up --simulate-gpu, verify --wait, down')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('--simulate-gpu [profile]', 'GPU to simulate: nvidia|gb10 or a recording FILE (default: gb10 if configured, else nvidia)')
    .option('--wait <duration>', 'how long verify may wait for first scrapes and rules', '2m')
    .option('--timeout <seconds>', 'per-check timeout', '10')
    .option('--junit <file>', 'write JUnit XML of every step and check')
    .option('--keep', 'leave the stack running afterwards', false)
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/ci.js')).ci));

  program
    .command('gpu')
    .description('GPU tools')
    .command('record')
    .description("capture a live dcgm-exporter's /metrics into a file that --simulate-gpu=FILE replays (pod/namespace/hostname labels removed)")
    .option('--url <url>', "the exporter's /metrics URL", 'http://127.0.0.1:9400/metrics')
    .option('-o, --out <file>', 'write the recording here (default: stdout)')
    .option('--duration <duration>', 'how long to record (several scrapes are merged)', '30s')
    .option('--interval <duration>', 'time between scrapes', '5s')
    .option('--keep-labels', 'keep the pod/namespace/container/hostname labels', false)
    .option('--json', 'machine-readable summary', false)
    .action(action(async () => (await import('./commands/gpu.js')).gpuRecord));

  program
    .command('status')
    .description('one table: service, state, health, published address, uptime, image')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/status.js')).status));

  program
    .command('watch')
    .description('live stack state: services, targets, firing alerts, GPUs (a terminal view, lines, NDJSON or SSE)')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('--prometheus <url>', 'watch a stack elsewhere: its Prometheus URL')
    .option('--alertmanager <url>', 'its Alertmanager URL')
    .option('--interval <duration>', 'how often Prometheus and Alertmanager are polled', '2s')
    .option('--json', 'NDJSON: one event per line', false)
    .option('--until <event[:match]>', 'exit 0 at the first such event (e.g. target_up:node-exporter)')
    .option('--timeout <duration>', 'give up after this long (exit 1 with --until)')
    .option('--serve <host:port>', 'also serve the events as SSE (/events), a page (/) and metrics (/metrics)')
    .option('--token <token>', 'token SSE clients must send (default: OBSCTL_WATCH_TOKEN or a random one)')
    .option('--no-token', 'no token (only with a loopback --serve address)')
    .option('--max-clients <n>', 'concurrent SSE clients', '10')
    .action(action(async () => (await import('./commands/watch.js')).watch));

  program
    .command('logs [service]')
    .description('show the logs of the stack or of one service')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('-f, --follow', 'follow', false)
    .option('--tail <lines>', 'lines from the end')
    .action(async (service: string | undefined, options: Record<string, unknown>) => {
      const { logs } = await import('./commands/logs.js');
      exitCode = await logs(service, options as never);
    });

  program
    .command('down')
    .description('stop and remove the containers; volumes are kept unless --volumes')
    .addOption(config())
    .option('--host <name>', 'with a hosts inventory: the host to act for (default: this machine\'s hostname)')
    .option('--volumes', 'also delete the volumes (all stored data); asks first', false)
    .option('-y, --yes', 'do not ask', false)
    .option('--json', 'machine-readable output', false)
    .action(action(async () => (await import('./commands/down.js')).down));

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
