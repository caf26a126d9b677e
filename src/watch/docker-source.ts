// The pushed source: the Docker Engine's event stream for the stack's compose project. An event
// (start, die, health_status, restart, ...) only says that something changed; the services slice is
// re-read from the engine each time, so what we report is always the engine's own current view.
import Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { DockerodeEngine, type Engine } from '../runtime/engine.js';
import type { ServiceState, Slice } from './model.js';

export interface PushedSource {
  name: 'docker';
  /** The current services. */
  poll(): Promise<Slice>;
  /**
   * Calls onChange for every relevant engine event until the stream breaks; resolves with the
   * reason then (the watcher backs off and reconnects). `stop` ends it quietly.
   */
  follow(onChange: () => void): { ended: Promise<string>; stop: () => void };
}

const relevant = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'destroy', 'oom']);

export function isRelevant(event: { Type?: string; Action?: string; status?: string }): boolean {
  if (event.Type && event.Type !== 'container') return false;
  const action = event.Action ?? event.status ?? '';
  return relevant.has(action) || action.startsWith('health_status');
}

export const servicesFrom = (containers: Awaited<ReturnType<Engine['projectContainers']>>): ServiceState[] =>
  containers.map((c) => ({
    name: c.service,
    state: c.state,
    // The engine keeps the last health status of a stopped container; it means nothing then.
    ...(c.health && c.state === 'running' ? { health: c.health } : {}),
    restarts: c.restarts ?? 0,
    ...(c.simulated ? { simulated: true } : {}),
  }));

export function dockerSource(project: string, docker = new Docker()): PushedSource {
  const engine = new DockerodeEngine(docker);
  return {
    name: 'docker',
    async poll() {
      return { services: servicesFrom(await engine.projectContainers(project)) };
    },
    follow(onChange) {
      let stream: Readable | undefined;
      let stopped = false;
      const ended = (async () => {
        try {
          stream = (await docker.getEvents({ filters: { type: ['container'], label: [`com.docker.compose.project=${project}`] } })) as unknown as Readable;
        } catch (e) {
          return (e as Error).message;
        }
        if (stopped) stream.destroy();
        let buffered = '';
        return await new Promise<string>((resolve) => {
          stream!.on('data', (chunk: Buffer) => {
            buffered += chunk.toString('utf8');
            const lines = buffered.split('\n');
            buffered = lines.pop() ?? '';
            for (const line of lines) {
              if (!line.trim()) continue;
              try {
                if (isRelevant(JSON.parse(line) as { Type?: string; Action?: string })) onChange();
              } catch {
                // A line that is not JSON is not an event we act on.
              }
            }
          });
          stream!.on('error', (e) => resolve(e.message));
          stream!.on('close', () => resolve(stopped ? 'stopped' : 'engine event stream closed'));
          stream!.on('end', () => resolve(stopped ? 'stopped' : 'engine event stream ended'));
        });
      })();
      return {
        ended,
        stop: () => {
          stopped = true;
          stream?.destroy();
        },
      };
    },
  };
}
