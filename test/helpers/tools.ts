// Real-tool tests: a missing promtool/amtool/docker compose skips them with a printed reason on a
// developer machine, and fails them in CI (CI=true), where .ci/run installs everything.
import { execa } from 'execa';

const probes: Record<string, [string, string[]]> = {
  promtool: ['promtool', ['--version']],
  amtool: ['amtool', ['--version']],
  'docker compose': ['docker', ['compose', 'version']],
};

export async function missingTools(names = Object.keys(probes)): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    const [cmd, args] = probes[name]!;
    const r = await execa(cmd, args, { reject: false });
    if (r.exitCode !== 0) missing.push(name);
  }
  return missing;
}

export function requireToolsInCi(missing: string[]): void {
  if (process.env.CI === 'true' && missing.length) {
    throw new Error(`CI=true but ${missing.join(', ')} missing: .ci/run should have installed them`);
  }
}
