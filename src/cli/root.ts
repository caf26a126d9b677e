// The composition root: the one place that builds the real adapters (dockerode engine, docker
// compose CLI, execa tool runner, fs stack writer and secrets file, Grafana HTTP, nvidia-smi) and
// hands them to the app layer as Ports. Heavy adapters load on first use, so `obsctl render`
// never pays for dockerode.
import type { Engine, Output, Ports } from '../app/ports.js';
import { errors } from '../errors.js';
import { ComposeCli, dockerImageArchive, sharingComposeVersion } from '../runtime/compose-cli.js';
import { detectGpu } from '../runtime/gpu-detect.js';
import { reload } from '../runtime/lifecycle.js';
import { SecretsFile } from '../runtime/secrets-store.js';
import { fsStackFiles } from '../runtime/stack-dir.js';
import { toolsFingerprint } from '../runtime/tool-fingerprint.js';
import { readTextFile, rootMountIsShared, writeTextFile } from '../runtime/text-files.js';
import { engineAddress } from '../runtime/engine-address.js';
import { err, out } from './output.js';

/** Human output: results on stdout, warnings on stderr, pull progress as one updating line. */
export function terminalOutput(quiet = false): Output {
  const columns = () => (process.stdout.columns ?? 100) - 1;
  return {
    info: (line) => !quiet && out(line),
    warn: (line) => err(line),
    progress: (line) => !quiet && process.stdout.write(`\r\x1b[2K${line.slice(0, columns())}`),
  };
}

/** For --json: nothing but the final JSON document on stdout. */
export const silentOutput = (): Output => ({ info: () => undefined, warn: (line) => err(line), progress: () => undefined });

export function engineErrorHint(e: unknown): { detail: string; hint: string } {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES') {
    return { detail: `permission denied on ${engineAddress()}`, hint: 'Add your user to the docker group: sudo usermod -aG docker $USER, then log out and in again.' };
  }
  return {
    detail: `no Docker engine answers on ${engineAddress()} (${code ?? (e as Error).message})`,
    hint: 'Install Docker Engine with the Compose v2 plugin (on DGX OS it is preinstalled) and start it: sudo systemctl start docker.',
  };
}

async function dockerode(): Promise<Engine> {
  const { DockerodeEngine } = await import('../runtime/engine.js');
  return new DockerodeEngine();
}

/** The engine, or why it cannot be reached (doctor reports that as a finding, not an error). */
export async function engineOrError(): Promise<Engine | { error: unknown }> {
  const e = await dockerode();
  return e.ping().then(() => e, (error: unknown) => ({ error }));
}

export function realPorts(options: { json?: boolean; quiet?: boolean } = {}): Ports {
  let engine: Promise<Engine> | undefined;
  const connected = () =>
    (engine ??= dockerode().then(async (e) => {
      await e.ping();
      return e;
    }));
  const unavailable = (e: unknown) => {
    engine = undefined;
    const { detail, hint } = engineErrorHint(e);
    return errors.dockerUnavailable(detail, hint);
  };
  return {
    engine: () =>
      connected().catch((e: unknown) => {
        throw unavailable(e);
      }),
    engineWithProject: async (project) => {
      try {
        const e = await dockerode();
        const containers = await e.projectContainers(project, { inspect: false });
        if (!e.apiVersion) await e.ping(); // an engine that did not name its API version in the answer
        engine = Promise.resolve(e);
        return { engine: e, containers };
      } catch (e) {
        throw unavailable(e);
      }
    },
    engineIfAvailable: () => connected().catch(() => ((engine = undefined), undefined)),
    compose: (project) => new ComposeCli(project),
    images: dockerImageArchive,
    validate: async (dir, o) => {
      const { createExecaToolRunner, userCheckCache, validateStack } = await import('../validate/index.js');
      // Its probe of Compose and preflight's Compose check share one `docker compose version`.
      return validateStack(dir, { ...o, cache: userCheckCache(), tools: sharingComposeVersion(createExecaToolRunner()) });
    },
    preflight: async (input) => (await import('../runtime/preflight.js')).preflight(input),
    secrets: (file) => new SecretsFile(file),
    stackFiles: fsStackFiles,
    readText: readTextFile,
    writeText: writeTextFile,
    toolsFingerprint: () => toolsFingerprint(),
    detectGpu: () => detectGpu(),
    rootMountIsShared: () => rootMountIsShared(),
    reload: (url) => reload(url),
    ensureGrafanaPassword: async ({ url, ...rest }) => {
      const { ensureAdminPassword, GrafanaClient } = await import('../grafana/index.js');
      return ensureAdminPassword({ clientFactory: (c) => new GrafanaClient({ baseUrl: url, ...c }), ...rest });
    },
    env: process.env,
    now: () => Date.now(),
    out: options.json ? silentOutput() : terminalOutput(options.quiet),
    tty: Boolean(process.stdout.isTTY) && !options.json,
  };
}
