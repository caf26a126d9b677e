// verify's "hardening" group: what each running container really runs with, read from the Engine
// API, against what was rendered (stack.json): capabilities, privileged, read-only root,
// no-new-privileges, user, memory and CPU limits, log rotation and published addresses. Catches a
// stack someone edited or started by hand. Also names a service the kernel OOM-killed at its limit.
import type { ManifestService } from '../../render/manifest.js';
import type { ContainerRuntimeConfig, Engine } from '../../runtime/engine.js';
import { fail, pass, skip, type VerifyCheck } from '../types.js';

const list = (a: string[]) => `[${[...a].sort().join(', ')}]`;
const sameSet = (a: string[], b: string[]) => list(a) === list(b);
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1)} GiB`;

/** Each difference between the rendered and the running service, as "what: rendered X, running Y". */
export function hardeningDrift(s: ManifestService, r: ContainerRuntimeConfig): string[] {
  const h = s.hardening!;
  const out: string[] = [];
  const diff = (what: string, want: string, got: string) => {
    if (want !== got) out.push(`${what}: rendered ${want}, running ${got}`);
  };
  // The engine reports cap_drop ALL as ["ALL"]; names may come back with a CAP_ prefix.
  const caps = (c: string[]) => c.map((x) => x.replace(/^CAP_/, ''));
  if (!sameSet(caps(h.capDrop), caps(r.capDrop))) diff('cap_drop', list(h.capDrop), list(r.capDrop));
  if (!sameSet(caps(h.capAdd), caps(r.capAdd))) diff('cap_add', list(h.capAdd), list(r.capAdd));
  diff('privileged', String(h.privileged), String(r.privileged));
  diff('read-only root', String(h.readOnly), String(r.readOnly));
  diff('no-new-privileges', String(h.noNewPrivileges), String(r.securityOpt.some((o) => /^no-new-privileges(:true|=true)?$/.test(o))));
  diff('user', h.user || '(image default)', r.user || '(image default)');
  diff('memory limit', String(h.memoryBytes), String(r.memoryBytes));
  diff('CPU limit (nano)', String(h.nanoCpus), String(r.nanoCpus));
  diff('log rotation', `json-file ${h.logMaxSize} x${h.logMaxFile}`, `${r.logType} ${r.logOptions['max-size'] ?? '-'} x${r.logOptions['max-file'] ?? '-'}`);
  const ports = (p: { hostIp?: string; address?: string; hostPort?: number; port?: number; containerPort: number }[]) =>
    list(p.map((x) => `${x.hostIp ?? x.address}:${x.hostPort ?? x.port}->${x.containerPort}`));
  diff('published', ports(s.ports), ports(r.ports));
  return out;
}

const summary = (s: ManifestService) => {
  const h = s.hardening!;
  const caps = h.privileged ? 'privileged (documented exception)' : `caps dropped${h.capAdd.length ? ` but ${h.capAdd.join(',')}` : ''}`;
  return `${caps}, ${h.readOnly ? 'read-only root' : 'writable root'}, no-new-privileges, user ${h.user || 'root'}, ${gib(h.memoryBytes)} / ${h.nanoCpus / 1e9} CPU, logs ${h.logMaxSize} x${h.logMaxFile}`;
};

export async function hardeningChecks(engine: Engine | undefined, project: string, services: ManifestService[], nowSeconds: number, oomWindowSeconds = 3600): Promise<VerifyCheck[]> {
  if (!engine) return [skip('hardening', 'containers', 'stack is remote (or Docker unreachable): container settings not checked')];
  const containers = await engine.projectContainers(project);
  const out: VerifyCheck[] = [];
  for (const s of services) {
    const c = containers.find((x) => x.service === s.name);
    if (!s.hardening) {
      out.push(skip('hardening', s.name, 'rendered by an obsctl without hardening: run `obsctl up` to apply it'));
      continue;
    }
    if (!c) continue; // the services group already fails a missing container
    const drift = hardeningDrift(s, await engine.runtimeConfig(c.id));
    out.push(
      drift.length
        ? fail('hardening', s.name, `runs otherwise than rendered: ${drift.join('; ')}`, { hint: 'Someone changed the container by hand: `obsctl up` recreates it as rendered (change obsctl.yaml to change it for good).' })
        : pass('hardening', s.name, summary(s)),
    );
  }
  // An OOM kill restarts the container (restart policy), so health alone no longer shows it.
  const ooms = await engine.oomEvents(project, nowSeconds - oomWindowSeconds);
  const byService = new Map<string, number[]>();
  for (const o of ooms) byService.set(o.service, [...(byService.get(o.service) ?? []), o.time]);
  for (const [service, times] of byService) {
    const limit = services.find((s) => s.name === service)?.hardening?.memoryBytes;
    const last = new Date(Math.max(...times) * 1000).toISOString();
    out.push(
      fail('hardening', `oom ${service}`, `${service} was OOM-killed in the last ${oomWindowSeconds / 60} min${limit ? ` at its ${gib(limit)} memory limit` : ''} (${times.length} OOM event${times.length > 1 ? 's' : ''} from the engine, last ${last}); a killed main process is restarted by the restart policy`, {
        hint: `Raise resources.${service === 'dcgm-exporter' ? 'dcgm-exporter' : service}.memory in obsctl.yaml (or lower its load, e.g. Prometheus retention/series), then \`obsctl up\`.`,
      }),
    );
  }
  return out;
}
