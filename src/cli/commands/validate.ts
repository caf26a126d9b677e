// obsctl validate: the rendered stack checked by promtool, amtool, docker compose, PromQL grammar.
import { loadConfig } from '../../app/config.js';
import { prepareStack } from '../../app/stack.js';
import { validate } from '../../app/validate.js';
import { color, err, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface ValidateFlags {
  config: string;
  dir?: string;
  strict: boolean;
  json: boolean;
  simulateGpu?: string | true;
  host?: string;
}

export async function validateCommand(flags: ValidateFlags): Promise<number> {
  const ports = realPorts(flags);
  let warnings: string[] = [];
  let source: Parameters<typeof validate>[1];
  if (flags.dir) source = { dir: flags.dir };
  else {
    const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
    warnings = loaded.warnings;
    source = { stack: await prepareStack(ports, loaded, flags) };
  }
  const report = await validate(ports, source, { strict: flags.strict });
  if (flags.json) {
    printJson({ ...report, warnings: [...warnings, ...report.warnings] });
    return report.ok ? 0 : 1;
  }
  for (const w of [...warnings, ...report.warnings]) err(color.yellow(w));
  out(color.dim(`versions: ${report.tools.map((t) => `${t.name} ${t.version}`).join(', ') || 'no tools ran'}${report.cached ? ' (these files passed with these tools before: that report)' : ''}`));
  for (const c of report.checks) {
    const mark = c.status === 'pass' ? color.green('✓') : c.status === 'skip' ? color.yellow('-') : color.red('✗');
    out(`${mark} ${c.name}${c.file ? ` ${color.dim(c.file)}` : ''}${c.status === 'pass' ? '' : `: ${c.detail}`}`);
    if (c.status !== 'pass' && c.hint) out(color.dim(`    hint: ${c.hint}`));
  }
  const count = (s: string) => report.checks.filter((c) => c.status === s).length;
  out(`${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return report.ok ? 0 : 1;
}
