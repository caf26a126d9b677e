// obsctl doctor: read-only host check for this obsctl.yaml (src/doctor). Exit 3 only for what
// would make `up` fail.
import { doctor as runDoctor } from '../../doctor/doctor.js';
import { doctorExitCode, doctorLines } from '../../doctor/report.js';
import { DockerodeEngine } from '../../runtime/engine.js';
import { detectGpu } from '../../runtime/gpu-detect.js';
import { loadConfig } from '../context.js';
import { color, err, out, printJson } from '../output.js';
import { prepareStack } from '../stack.js';

export interface DoctorOptions {
  config: string;
  host?: string;
  simulateGpu?: string | boolean;
  json: boolean;
}

export async function doctor(options: DoctorOptions): Promise<number> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  for (const w of loaded.warnings) err(color.yellow(w));
  const stack = await prepareStack(loaded, options);
  const docker = new DockerodeEngine();
  const engine = await docker.ping().then(() => docker, (error: unknown) => ({ error }));
  const findings = await runDoctor({ config: loaded.config, manifest: stack.result.manifest, gpu: stack.detection ?? (await detectGpu()), engine });
  const code = doctorExitCode(findings);
  if (options.json) printJson({ ok: code === 0, project: stack.result.manifest.project, profile: stack.profile, findings });
  else {
    out(color.bold(`obsctl doctor: this host for ${loaded.file ? 'obsctl.yaml' : 'the built-in defaults'} (stack ${stack.result.manifest.project}, GPU profile ${stack.profile})`));
    for (const line of doctorLines(findings, color)) out(line);
  }
  return code;
}
