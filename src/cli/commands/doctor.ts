// obsctl doctor: read-only host check for this obsctl.yaml (src/doctor). Exit 3 only for what
// would make `up` fail.
import { loadConfig } from '../../app/config.js';
import { prepareStack } from '../../app/stack.js';
import { doctor as runDoctor } from '../../doctor/doctor.js';
import { doctorExitCode, doctorLines } from '../../doctor/report.js';
import { color, err, out, printJson } from '../output.js';
import { engineOrError, realPorts } from '../root.js';

export interface DoctorFlags {
  config: string;
  host?: string;
  simulateGpu?: string | true;
  json: boolean;
}

export async function doctor(flags: DoctorFlags): Promise<number> {
  const ports = realPorts(flags);
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  for (const w of loaded.warnings) err(color.yellow(w));
  const stack = await prepareStack(ports, loaded, flags);
  const findings = await runDoctor({ config: loaded.config, manifest: stack.result.manifest, gpu: stack.detection ?? (await ports.detectGpu()), engine: await engineOrError() });
  const code = doctorExitCode(findings);
  if (flags.json) printJson({ ok: code === 0, project: stack.result.manifest.project, profile: stack.profile, findings });
  else {
    out(color.bold(`obsctl doctor: this host for ${loaded.file ? 'obsctl.yaml' : 'the built-in defaults'} (stack ${stack.result.manifest.project}, GPU profile ${stack.profile})`));
    for (const line of doctorLines(findings, color)) out(line);
  }
  return code;
}
