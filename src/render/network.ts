// The stack's private bridge network. node-exporter runs in the host's network namespace (to see
// the host's interfaces, not a container's) and listens only on this network's gateway address:
// reachable by the stack's containers and the host itself, not published on public interfaces.
import type { Config } from '../config/schema.js';

export const networkName = 'obsctl';

export function gatewayAddress(config: Config): string {
  return config.network.subnet.replace(/\.0\/24$/, '.1');
}

export function nodeExporterAddress(config: Config): string {
  return `${gatewayAddress(config)}:${config.ports.node_exporter}`;
}
