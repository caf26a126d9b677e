// obsctl watch: flags -> runWatch (src/watch/run.ts). The local stack by default (its Prometheus,
// Alertmanager and the engine's containers); --prometheus/--alertmanager watch a remote one.
import { errors } from '../../errors.js';
import { serviceUrls } from '../../runtime/lifecycle.js';
import { strictSeconds } from '../../duration.js';
import { parseServe, runWatch } from '../../watch/run.js';
import { parseUntil } from '../../watch/until.js';
import { loadConfig } from '../../app/config.js';
import { stackProject } from '../../app/stack.js';
import { color, err, out } from '../output.js';

export interface WatchOptions {
  config: string;
  host?: string;
  prometheus?: string;
  alertmanager?: string;
  interval: string;
  json: boolean;
  until?: string;
  timeout?: string;
  serve?: string;
  /** --token TOKEN, --no-token (false), or neither (undefined). */
  token?: string | false;
  maxClients: string;
}

const duration = (flag: string, text: string) => {
  const s = strictSeconds(text);
  if (s === undefined || !(s > 0)) throw errors.usage(`${flag} ${text} is not a duration`, `Use seconds or e.g. 500ms, 2s, 1m.`);
  return s * 1000;
};

export async function watch(options: WatchOptions): Promise<number> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const { project } = stackProject(loaded, options.host);
  const local = serviceUrls(loaded.config);
  const remote = Boolean(options.prometheus || options.alertmanager);
  const token = typeof options.token === 'string' ? options.token : process.env.OBSCTL_WATCH_TOKEN;
  return runWatch({
    project,
    prometheus: (options.prometheus ?? local.prometheus).replace(/\/+$/, ''),
    alertmanager: (options.alertmanager ?? local.alertmanager).replace(/\/+$/, ''),
    docker: !remote,
    intervalMs: duration('--interval', options.interval),
    mode: options.json ? 'json' : process.stdout.isTTY && process.stdin.isTTY ? 'view' : 'lines',
    ...(options.until ? { until: parseUntil(options.until) } : {}),
    ...(options.timeout ? { timeoutMs: duration('--timeout', options.timeout) } : {}),
    ...(options.serve ? { serve: parseServe(options.serve, token, options.token === false, Number(options.maxClients)) } : {}),
    color,
    out,
    err,
  });
}
