// obsctl logs [service] [-f]: the stack's logs through docker compose.
import { loadConfig } from '../../app/config.js';
import { logs } from '../../app/down.js';
import { realPorts } from '../root.js';

export interface LogsFlags {
  config: string;
  host?: string;
  follow: boolean;
  tail?: number;
}

export async function logsCommand(service: string | undefined, flags: LogsFlags): Promise<number> {
  const ports = realPorts();
  return (await logs(ports, loadConfig(flags.config, { checkSecrets: false }, ports.readText), service, flags)) ? 0 : 1;
}
