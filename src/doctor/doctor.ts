// obsctl doctor: a read-only check of this host for this obsctl.yaml. The same checks `up` runs
// before it changes anything (preflight.ts), plus what a user needs when `up` failed or before the
// first one: the GPU as nvidia-smi sees it and what the exporter would report, each image present
// (and its architecture) or where it would come from, and clock skew. Every finding that is not ok
// says how to fix it; only what would make `up` fail is a problem (exit 3).
import { ComposeCli } from '../runtime/compose-cli.js';
import { archOf, type ContainerSummary, type Engine, type EngineInfo } from '../runtime/engine.js';
import type { GpuDetection } from '../runtime/gpu-detect.js';
import { composeCheck, diskCheck, engineCheck, engineErrorHint, gpuRuntimeCheck, portChecks, publishedPorts, type PreflightCheck } from '../runtime/preflight.js';
import type { Config } from '../config/schema.js';
import type { StackManifest } from '../render/manifest.js';

export type FindingStatus = 'ok' | 'warning' | 'problem';

export interface Finding {
  name: string;
  status: FindingStatus;
  detail: string;
  fix?: string;
}

export interface DoctorInput {
  config: Config;
  manifest: StackManifest;
  /** nvidia-smi's view (undefined when the profile was not detected, e.g. gpu: nvidia set by hand). */
  gpu: GpuDetection;
  /** The Docker engine, or why it cannot be reached. */
  engine: Engine | { error: unknown };
  composeVersion?: () => Promise<string | undefined>;
  now?: () => number;
}

/** A skew above this makes Prometheus' samples and alerts land at the wrong time. */
export const maxSkewSeconds = 2;

export const fromPreflight = (c: PreflightCheck): Finding => ({
  name: c.name,
  status: c.ok ? 'ok' : c.fatal ? 'problem' : 'warning',
  detail: c.detail,
  ...(c.hint && !c.ok ? { fix: c.hint } : {}),
});

export async function doctor(input: DoctorInput): Promise<Finding[]> {
  const { config, manifest } = input;
  const findings: Finding[] = [];
  const gpuExporter = manifest.services.find((s) => s.name === 'dcgm-exporter');
  findings.push(gpuFinding(input.gpu, manifest, Boolean(gpuExporter)));
  if ('error' in input.engine) {
    const { detail, hint } = engineErrorHint(input.engine.error);
    findings.push({ name: 'docker engine', status: 'problem', detail, fix: hint });
    findings.push(fromPreflight(composeCheck(await (input.composeVersion ?? ComposeCli.version)())));
    return findings;
  }
  const engine = input.engine;
  const now = input.now ?? Date.now;
  const asked = now();
  const info = await engine.info();
  // The engine's clock is read somewhere between asking and answering: compare with the middle.
  const answered = now();
  const existing: ContainerSummary[] = await engine.projectContainers(manifest.project);
  findings.push(fromPreflight(engineCheck(info)));
  findings.push(fromPreflight(composeCheck(await (input.composeVersion ?? ComposeCli.version)())));
  findings.push(fromPreflight(gpuRuntimeCheck(info, Boolean(gpuExporter) && !manifest.gpu.simulated)));
  const ports = publishedPorts(manifest, config, existing);
  const clashes = (await portChecks(ports, existing)).map(fromPreflight);
  findings.push(...clashes);
  if (!clashes.some((c) => c.status === 'problem')) {
    findings.push({ name: 'ports', status: 'ok', detail: `free (or this stack's own): ${ports.map(([host, port, service]) => `${service} ${host}:${port}`).join(', ')}` });
  }
  findings.push(fromPreflight(diskCheck(info, config.prometheus.retention_size, existing.length === 0)));
  findings.push(...(await imageFindings(engine, info, manifest.images, config.images.pull_policy)));
  findings.push(clockFinding(info, (asked + answered) / 2, (answered - asked) / 2000));
  return findings;
}

export function gpuFinding(gpu: GpuDetection, manifest: StackManifest, exporter: boolean): Finding {
  const fields = manifest.gpu.counters;
  if (!exporter) {
    return {
      name: 'GPU',
      status: 'ok',
      detail: `${gpu.profile === 'none' ? `no NVIDIA GPU visible (${gpu.detail})` : `nvidia-smi sees ${gpu.detail}`}; this stack runs no GPU exporter (profile none): GPU dashboard and alerts left out`,
    };
  }
  const what = `dcgm-exporter would report ${fields.length} DCGM fields for profile ${manifest.gpu.profile}${manifest.gpu.simulated ? ' (simulated from recorded real output)' : ''}: ${fields.slice(0, 6).join(', ')}${fields.length > 6 ? ', …' : ''}`;
  if (gpu.profile === 'none' && !manifest.gpu.simulated) {
    return { name: 'GPU', status: 'problem', detail: `no NVIDIA GPU visible (${gpu.detail}), but ${what}`, fix: 'Install the NVIDIA driver (nvidia-smi must list the GPU), or set gpu: none in obsctl.yaml.' };
  }
  if (gpu.profile !== 'none' && gpu.profile !== manifest.gpu.profile && !manifest.gpu.simulated) {
    return { name: 'GPU', status: 'warning', detail: `nvidia-smi sees ${gpu.detail} (profile ${gpu.profile}), but obsctl.yaml says ${manifest.gpu.profile}; ${what}`, fix: `Set gpu: ${gpu.profile} (or auto) in obsctl.yaml.` };
  }
  return { name: 'GPU', status: 'ok', detail: `${gpu.profile === 'none' ? 'no GPU needed' : `nvidia-smi sees ${gpu.detail}`}; ${what}` };
}

async function imageFindings(engine: Engine, info: EngineInfo, images: string[], pullPolicy: string): Promise<Finding[]> {
  const hostArch = archOf(info.architecture);
  const out: Finding[] = [];
  for (const image of images) {
    const arch = await engine.imageArchitecture(image);
    if (arch && arch !== hostArch) {
      out.push({ name: `image ${image}`, status: 'problem', detail: `present, built for ${arch}; this host is ${hostArch}`, fix: `docker pull --platform linux/${hostArch} ${image}, or point images.* at a multi-arch image.` });
    } else if (arch) {
      out.push({ name: `image ${image}`, status: 'ok', detail: `present (${arch})` });
    } else if (pullPolicy === 'never') {
      out.push({ name: `image ${image}`, status: 'problem', detail: 'missing, and images.pull_policy is never: up would stop', fix: 'Load it with `obsctl images load FILE` (made by `obsctl images save` on a connected host), or allow pulls.' });
    } else {
      // doctor reads, it does not reach out: whether the registry answers shows at `up` (or docker pull).
      out.push({ name: `image ${image}`, status: 'warning', detail: `missing: up will pull it (${hostArch}); the registry was not contacted`, fix: `Check now with \`docker pull ${image}\`; offline, use \`obsctl images load FILE\`.` });
    }
  }
  return out;
}

export function clockFinding(info: EngineInfo, now: number, uncertaintySeconds = 0): Finding {
  const engineTime = info.systemTime ? Date.parse(info.systemTime) : Number.NaN;
  if (!Number.isFinite(engineTime)) return { name: 'clock', status: 'warning', detail: 'the engine did not report its time; skew not checked' };
  const skew = Math.max(0, Math.abs(now - engineTime) / 1000 - uncertaintySeconds);
  return skew > maxSkewSeconds
    ? { name: 'clock', status: 'warning', detail: `this host and the Docker engine differ by ${skew.toFixed(1)} s: samples and alerts would be stamped at the wrong time`, fix: 'Synchronise the clocks (timedatectl set-ntp true; on Docker Desktop, restart its VM).' }
    : { name: 'clock', status: 'ok', detail: `host and Docker engine agree (skew ${skew.toFixed(1)} s)` };
}
