// What every use case that renders shares: config -> this host's part -> concrete GPU profile ->
// rendered files and manifest, plus where its state lives and its Compose project name.
import os from 'node:os';
import path from 'node:path';
import { loadContent } from '../content.js';
import { errors } from '../errors.js';
import { render, type RenderResult } from '../render/index.js';
import { projectName } from '../render/inventory.js';
import { resolveProfile, type GpuProfile, type RenderOptions } from '../render/profile.js';
import { describeGpu, simulatorCapabilities } from '../render/capabilities.js';
import { startIntervalSupported } from '../render/compose.js';
import type { GpuDetection } from '../runtime/gpu-detect.js';
import { resolveSimulation } from '../runtime/gpu-recording.js';
import { readImageLock } from '../runtime/image-lock.js';
import { readStoredCapabilities } from '../runtime/gpu-discovery.js';
import { stackDir, stateDir } from '../runtime/stack-dir.js';
import { memoizedRender } from './render-memo.js';
import type { LoadedConfig } from './config.js';
import type { Ports } from './ports.js';

export interface StackOptions {
  /** --simulate-gpu: true (nvidia), a profile name, or a recording FILE (from `obsctl gpu record`). */
  simulateGpu?: string | boolean;
  host?: string;
  /**
   * The Engine API version of the engine that will run the stack (`up`, `plan`, `ci` connect
   * first): from 1.44 (Engine 25) healthchecks get a 1 s start_interval. Absent: left out.
   */
  engineApiVersion?: string;
}

export interface PreparedStack {
  result: RenderResult;
  profile: GpuProfile;
  detection?: GpuDetection;
  /** Lines worth telling the user (e.g. GPU parts left out). */
  notes: string[];
  host?: string;
  project: string;
  /** Where `up` keeps this stack: .obsctl/stack beside obsctl.yaml. */
  dir: string;
  /** What it was rendered for (StackOptions.engineApiVersion): a re-render after discovery keeps it. */
  engineApiVersion?: string;
  /**
   * Keeps this render for the next run (render-memo.ts). A first `up` renders before the state
   * directory exists, so nothing was kept: it calls this once it has written the stack, and the
   * no-change `up` after it does not render again.
   */
  remember: () => void;
}

export { stackDir as defaultOutDir } from '../runtime/stack-dir.js';

/** With an inventory: the host this run is for (--host, else this machine's hostname). */
export function chooseHost(loaded: LoadedConfig, host: string | undefined): string | undefined {
  const hosts = loaded.config.hosts;
  if (hosts.length === 0) {
    if (host) throw errors.usage(`--host ${host}: obsctl.yaml has no hosts inventory`, 'Add a hosts: list, or leave out --host.');
    return undefined;
  }
  const wanted = host ?? os.hostname().split('.')[0]!.toLowerCase();
  if (hosts.some((h) => h.name === wanted)) return wanted;
  throw errors.usage(
    host ? `--host ${host} is not in the hosts inventory of obsctl.yaml` : `this machine (${wanted}) is not in the hosts inventory of obsctl.yaml`,
    `Pass --host with one of: ${hosts.map((h) => `${h.name} (${h.role})`).join(', ')}.`,
  );
}

/** The Compose project of this config (and host), without rendering. */
export function stackProject(loaded: LoadedConfig, host: string | undefined): { project: string; dir: string } {
  return { project: projectName(loaded.config, chooseHost(loaded, host)), dir: stackDir(loaded.dir) };
}

export async function prepareStack(ports: Pick<Ports, 'detectGpu' | 'rootMountIsShared'>, loaded: LoadedConfig, options: StackOptions): Promise<PreparedStack> {
  const notes: string[] = [];
  const host = chooseHost(loaded, options.host);
  const self = loaded.config.hosts.find((h) => h.name === host);
  const simulation = resolveSimulation(options.simulateGpu, process.cwd());
  const simulated = simulation?.profile;
  let detection: GpuDetection | undefined;
  let profile: GpuProfile;
  if (self) {
    // With an inventory each host's profile is written down; nothing to detect.
    profile = self.gpu;
    if (simulated && profile !== 'none') notes.push(`GPU simulated (${profile}) on ${self.name}`);
  } else if (simulated) {
    profile = loaded.config.gpu === 'auto' || loaded.config.gpu === 'none' ? (simulated as GpuProfile) : loaded.config.gpu;
    notes.push(`GPU simulated (${profile}): recorded real dcgm-exporter output stands in for the GPU`);
  } else if (loaded.config.gpu === 'auto') {
    detection = await ports.detectGpu();
    profile = resolveProfile(loaded.config, detection.profile);
    if (profile === 'none') notes.push(`no NVIDIA GPU detected (${detection.detail}): GPU exporter, dashboard and alerts left out`);
  } else {
    profile = loaded.config.gpu;
  }
  const sharedRootMount = ports.rootMountIsShared();
  const imageLock = readImageLock(loaded.dir); // obsctl.lock next to obsctl.yaml: image@digest
  const recording = simulation?.recording;
  if (recording) notes.push(`GPU replayed from ${path.relative(process.cwd(), recording.file) || recording.file}: ${recording.capabilities.fields.length} DCGM fields (${describeGpu(recording.capabilities)})`);
  const content = loadContent();
  // What this host's GPU exporter reports, when that is known before it runs: a recording, or
  // obsctl's own simulator (the built-in recording, less what its profile drops). Other GPU hosts
  // (a central's inventory) and a real GPU: what `up` discovered before (same mode), if anything.
  const simulatorRecording = content.find((f) => f.path === '@sim/t4-dcgm-exporter.prom')?.text;
  const known = recording?.capabilities ?? (simulated && profile !== 'none' && simulatorRecording ? simulatorCapabilities(profile, simulatorRecording) : undefined);
  const discovered = recording ? undefined : readStoredCapabilities(path.join(loaded.dir, '.obsctl'), simulated ?? 'real');
  const gpuCapabilities = known ? { ...discovered, [host ?? loaded.config.name]: known } : discovered;
  const renderOptions: RenderOptions = {
    profile,
    simulateGpu: Boolean(simulated),
    ...(sharedRootMount === false ? { sharedRootMount } : {}),
    ...(host ? { host } : {}),
    ...(gpuCapabilities ? { gpuCapabilities } : {}),
    ...(recording ? { simulateGpuRecording: recording.text } : {}),
    ...(imageLock ? { imageLock } : {}),
    ...(startIntervalSupported(options.engineApiVersion) ? { healthcheckStartInterval: true } : {}),
  };
  const result = memoizedRender(stateDir(loaded.dir), loaded.config, renderOptions, content, () => render(loaded.config, renderOptions, content));
  const remember = () => void memoizedRender(stateDir(loaded.dir), loaded.config, renderOptions, content, () => result);
  return { result, profile, ...(detection ? { detection } : {}), notes, ...(host ? { host } : {}), project: result.manifest.project, dir: stackDir(loaded.dir), remember, ...(options.engineApiVersion ? { engineApiVersion: options.engineApiVersion } : {}) };
}
