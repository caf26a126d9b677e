// The end of `up`'s report: how to reach the UIs from a laptop when this shell is an SSH session
// (the UIs listen on 127.0.0.1 only, so an `ssh -L` tunnel is the safe way in), where the Grafana
// password is kept (never the password again), and the command to run next. Pure: the caller
// passes the environment in.
import type { StackSecret } from '../render/secrets.js';

export interface UpSummaryInput {
  urls: Record<string, string>;
  /** The address the UIs are published on (config.listen). */
  listen: string;
  env: NodeJS.ProcessEnv;
  user: string;
  /** Where Grafana's admin password comes from (passwordWhere); undefined without Grafana. */
  grafanaPasswordAt?: string;
  /** The password was shown above, with its file, on this run. */
  passwordShown: boolean;
}

/** Where a Grafana password is kept: obsctl's secrets file (and its key), or the user's reference. */
export function passwordWhere(source: StackSecret['source'], secretsFile: string, key: string): string {
  if ('generated' in source) return `stored in ${secretsFile} (${key})`;
  if ('fleet' in source) return `from the fleet's TLS material (${key})`;
  return 'env' in source ? `from the environment variable ${source.env}` : `from the file ${source.file}`;
}

/** The address a laptop reaches this host at: the server side of $SSH_CONNECTION. */
export function sshServerAddress(env: NodeJS.ProcessEnv): string | undefined {
  const parts = (env.SSH_CONNECTION ?? '').trim().split(/\s+/);
  return parts.length === 4 ? parts[2] : undefined;
}

export function upSummary(input: UpSummaryInput): string[] {
  const lines: string[] = [];
  const server = sshServerAddress(input.env);
  const loopback = /^127\.|^localhost$|^::1$/.test(input.listen);
  if (server && loopback) {
    const ports = Object.values(input.urls).map((u) => new URL(u).port);
    const tunnels = ports.map((p) => `-L ${p}:127.0.0.1:${p}`).join(' ');
    const host = server.includes(':') ? `[${server}]` : server;
    lines.push(`from your laptop (this host is remote; the UIs listen on ${input.listen} only):`);
    lines.push(`  ssh -N ${tunnels} ${input.user}@${host}`);
    const first = input.urls.grafana ?? Object.values(input.urls)[0]!;
    lines.push(`  then open ${first.replace(/\/\/[^:/]+/, '//localhost')}`);
  }
  if (input.grafanaPasswordAt && !input.passwordShown) lines.push(`Grafana admin password: ${input.grafanaPasswordAt}`);
  lines.push('next: obsctl verify   (proves the stack observes; on a new stack it waits for the first data)');
  return lines;
}
