// obsctl init: writes a commented obsctl.yaml from templates/, with the GPU profile detected on
// this machine, and keeps obsctl's generated secrets out of git.
import fs from 'node:fs';
import path from 'node:path';
import { nameFromUrl } from '../../config/edit.js';
import { parseConfigText } from '../../config/load.js';
import { addTargetToFile } from './add.js';
import { errors } from '../../errors.js';
import { templatesDir, version } from '../../paths.js';
import { schemaReference, withSchemaRef, writeSchemaBeside } from '../../config/schema-file.js';
import { detectGpu, type GpuDetection } from '../../runtime/gpu-detect.js';
import { color, out, printJson } from '../output.js';

export interface InitOptions {
  config: string;
  force: boolean;
  name?: string;
  gpu?: string;
  app?: string;
  json: boolean;
  /** Only (re)write obsctl.schema.json beside obsctl.yaml (after an upgrade). */
  schema?: boolean;
}
export const ignoreEntry = '/.obsctl/';

export function initText(name: string, gpu: string, detection: GpuDetection): string {
  const schema = schemaReference; // written beside obsctl.yaml by init (schema-file.ts)
  const template = fs.readFileSync(path.join(templatesDir, 'obsctl.yaml'), 'utf8');
  return template
    .replaceAll('{{schema}}', schema)
    .replaceAll('{{name}}', name)
    .replaceAll('{{gpu}}', gpu)
    .replaceAll('{{detected}}', `${detection.profile} (${detection.detail})`);
}

function ensureIgnored(dir: string): boolean {
  const file = path.join(dir, '.gitignore');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current.split(/\r?\n/).some((l) => l.trim() === ignoreEntry || l.trim() === '.obsctl/' || l.trim() === '.obsctl')) return false;
  const prefix = current && !current.endsWith('\n') ? '\n' : '';
  fs.writeFileSync(file, `${current}${prefix}# obsctl: rendered stack and generated secrets (0600)\n${ignoreEntry}\n`);
  return true;
}

export async function init(options: InitOptions): Promise<number> {
  const file = path.resolve(options.config);
  const dir = path.dirname(file);
  if (options.schema) return refreshSchema(file, options.json);
  if (fs.existsSync(file) && !options.force) throw errors.configExists(path.relative(process.cwd(), file) || file);
  const detection = await detectGpu();
  // Nothing detected may just mean init runs on a laptop, not the GPU host: keep `auto` then.
  const gpu = options.gpu ?? (detection.profile === 'none' ? 'auto' : detection.profile);
  const name = options.name ?? (path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '').slice(0, 63) || 'obsctl');
  const text = initText(name, gpu, detection);
  // The template must always produce a valid config; if not, that is a bug, caught by tests.
  const check = parseConfigText(text);
  if (!check.config) throw errors.usage(`--name or --gpu is not valid: ${check.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(file)) fs.copyFileSync(file, `${file}.bak`);
  fs.writeFileSync(file, text);
  if (options.app) addTargetToFile(file, nameFromUrl(options.app), options.app);
  const schema = writeSchemaBeside(file);
  const ignored = ensureIgnored(dir);
  if (options.json) {
    printJson({ ok: true, file, schema: schema.file, gpu, detected: detection, gitignoreUpdated: ignored });
    return 0;
  }
  out(`${color.green('wrote')} ${path.relative(process.cwd(), file) || file} (gpu: ${gpu}; detected ${detection.profile}: ${detection.detail})`);
  out(`${color.green('wrote')} ${path.relative(process.cwd(), schema.file)} (its JSON Schema, obsctl ${version}: editors complete and check obsctl.yaml offline; commit both)`);
  if (ignored) out(`${color.green('added')} ${ignoreEntry} to .gitignore (rendered stack and generated secrets)`);
  out('');
  out(`next: review it, commit it, then on the host run ${color.bold('npx obsctl up')}`);
  return 0;
}

/** `init --schema`: this obsctl's schema beside obsctl.yaml, and the modeline pointing at it. */
function refreshSchema(file: string, json: boolean): number {
  const schema = writeSchemaBeside(file);
  let modeline = false;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const updated = withSchemaRef(text);
    if (updated !== text) {
      fs.writeFileSync(file, updated);
      modeline = true;
    }
  }
  if (json) printJson({ ok: true, schema: schema.file, changed: schema.changed, modelineUpdated: modeline, version });
  else {
    out(`${schema.changed ? color.green('wrote') : 'unchanged:'} ${path.relative(process.cwd(), schema.file)} (obsctl ${version})`);
    if (modeline) out(`${color.green('updated')} the $schema line of ${path.relative(process.cwd(), file)} to ${schemaReference}`);
  }
  return 0;
}
