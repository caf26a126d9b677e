// Central's TLS remote-write receiver in an agent fleet with fleet.tls. Prometheus's web config
// (--web.config.file) covers every endpoint of a server at once: putting client certificates on
// central's own Prometheus would lock out its UI, Grafana, `obsctl verify` and the reloads `up`
// sends. So the agents write to a second Prometheus on central, in agent mode, whose only job is
// the receiver: it serves it over TLS with a client certificate required (fleet CA) and basic
// auth (each node's own user), keeps what it takes in its WAL, and forwards it over the stack's
// private network to central's Prometheus (remote write receiver there, plain HTTP, not published
// on central's address). Both pieces are the upstream Prometheus; nothing home-made sits between.
// Measured in test/e2e/fleet-agent.test.ts: central's Prometheus stopped for 2 minutes, every
// sample of the outage arrives through the receiver's and the agents' WALs.
import type { Config } from '../config/schema.js';
import type { Service } from './compose.js';
import { imageFor } from './images.js';
import type { Placement } from './inventory.js';
import { agentTlsOn, receiverService, webConfigPath } from './fleet-tls.js';
import { secretsFor, type StackSecret } from './secrets.js';

export const receiverOn = (config: Config, place: Placement) => place.role === 'central' && agentTlsOn(config) && place.nodes.length > 0;

/** Port of the receiver on central's inventory address. */
export const receiverPort = (config: Config) => config.fleet.receiver_port ?? config.ports.prometheus;

/** The receiver's prometheus.yml: no scrapes, everything it receives forwarded to central's Prometheus. */
export const renderReceiverConfig = (): Record<string, unknown> => ({
  remote_write: [
    {
      name: 'central',
      url: 'http://prometheus:9090/api/v1/write',
      // As the agents' queues: back off to 10 s at most, so a returning Prometheus gets the backlog within seconds.
      queue_config: { capacity: 10000, max_shards: 10, max_samples_per_send: 2000, max_backoff: '10s' },
    },
  ],
});

export function receiverServiceDef(config: Config, place: Placement, secrets: StackSecret[], network: { networks: string[] }): Service {
  return {
    image: imageFor(config, 'prometheus'),
    pull_policy: config.images.pull_policy,
    restart: 'unless-stopped',
    labels: { 'org.obsctl.stack': config.name, 'org.obsctl.service': receiverService },
    secrets: secretsFor(secrets, receiverService),
    command: [
      '--agent',
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.agent.path=/prometheus',
      '--web.enable-remote-write-receiver',
      `--web.config.file=${webConfigPath}`,
    ],
    volumes: [`./${receiverService}:/etc/prometheus:ro`, `${receiverService}-data:/prometheus`],
    ports: [`${place.self!.address}:${receiverPort(config)}:9090`],
    // Over TLS a plain request is answered 400 by the TLS listener itself: proof it serves, no credentials needed.
    healthcheck: {
      test: ['CMD-SHELL', "wget -q -O /dev/null http://127.0.0.1:9090/ 2>&1 | grep -q ' 400 '"],
      interval: '5s',
      timeout: '5s',
      retries: 5,
      start_period: '30s',
    },
    ...network,
  };
}
