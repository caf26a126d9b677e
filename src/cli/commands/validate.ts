// obsctl validate: the rendered stack checked by the real tools that will run it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyWrite, planWrite } from '../../render/write.js';
import { validateStack } from '../../validate/index.js';
import { loadConfig } from '../context.js';
import { color, err, out, printJson } from '../output.js';
import { prepareStack } from '../stack.js';

export interface ValidateOptions {
  config: string;
  dir?: string;
  strict: boolean;
  json: boolean;
  simulateGpu?: string | boolean;
  host?: string;
}

export async function validateCommand(options: ValidateOptions): Promise<number> {
  let dir = options.dir ? path.resolve(options.dir) : undefined;
  let temp: string | undefined;
  let warnings: string[] = [];
  if (!dir) {
    const loaded = loadConfig(options.config, { checkSecrets: false });
    warnings = loaded.warnings;
    const stack = await prepareStack(loaded, options);
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-validate-'));
    applyWrite(temp, stack.result.files, planWrite(temp, stack.result.files));
    dir = temp;
  }
  try {
    const report = await validateStack(dir, { strict: options.strict });
    if (options.json) {
      printJson({ ...report, warnings: [...warnings, ...report.warnings] });
    } else {
      for (const w of [...warnings, ...report.warnings]) err(color.yellow(w));
      out(color.dim(`versions: ${report.tools.map((t) => `${t.name} ${t.version}`).join(', ') || 'no tools ran'}`));
      for (const c of report.checks) {
        const mark = c.status === 'pass' ? color.green('✓') : c.status === 'skip' ? color.yellow('-') : color.red('✗');
        out(`${mark} ${c.name}${c.file ? ` ${color.dim(c.file)}` : ''}${c.status === 'pass' ? '' : `: ${c.detail}`}`);
        if (c.status !== 'pass' && c.hint) out(color.dim(`    hint: ${c.hint}`));
      }
      const count = (s: string) => report.checks.filter((c) => c.status === s).length;
      out(`${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
    }
    return report.ok ? 0 : 1;
  } finally {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  }
}
