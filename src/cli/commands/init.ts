// obsctl init: writes a commented obsctl.yaml from templates/, with the GPU profile detected on
// this machine, and keeps obsctl's generated secrets out of git.
import fs from 'node:fs';
import path from 'node:path';
import { nameFromUrl } from '../../config/edit.js';
import { parseConfigText } from '../../config/load.js';
import { addTargetToFile } from './add.js';
import { errors } from '../../errors.js';
import { jsonSchemaFile, packageRoot, templatesDir } from '../../paths.js';
import { detectGpu, type GpuDetection } from '../../runtime/gpu-detect.js';
import { color, out, printJson } from '../output.js';

export interface InitOptions {
  config: string;
  force: boolean;
  name?: string;
  gpu?: string;
  app?: string;
  json: boolean;
}

const schemaUrl = 'https://raw.githubusercontent.com/obsctl/obsctl/main/obsctl.schema.json';
export const ignoreEntry = '/.obsctl/';

export function initText(name: string, gpu: string, detection: GpuDetection, configDir: string): string {
  // A local install gives editors a schema that matches the installed version exactly.
  const relative = path.relative(configDir, jsonSchemaFile);
  const schema = !relative.startsWith('..') && !path.isAbsolute(relative) && fs.existsSync(jsonSchemaFile) && packageRoot.includes('node_modules') ? `./${relative}` : schemaUrl;
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
  if (fs.existsSync(file) && !options.force) throw errors.configExists(path.relative(process.cwd(), file) || file);
  const detection = await detectGpu();
  // Nothing detected may just mean init runs on a laptop, not the GPU host: keep `auto` then.
  const gpu = options.gpu ?? (detection.profile === 'none' ? 'auto' : detection.profile);
  const name = options.name ?? (path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '').slice(0, 63) || 'obsctl');
  const text = initText(name, gpu, detection, dir);
  // The template must always produce a valid config; if not, that is a bug, caught by tests.
  const check = parseConfigText(text);
  if (!check.config) throw errors.usage(`--name or --gpu is not valid: ${check.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(file)) fs.copyFileSync(file, `${file}.bak`);
  fs.writeFileSync(file, text);
  if (options.app) addTargetToFile(file, nameFromUrl(options.app), options.app);
  const ignored = ensureIgnored(dir);
  if (options.json) {
    printJson({ ok: true, file, gpu, detected: detection, gitignoreUpdated: ignored });
    return 0;
  }
  out(`${color.green('wrote')} ${path.relative(process.cwd(), file) || file} (gpu: ${gpu}; detected ${detection.profile}: ${detection.detail})`);
  if (ignored) out(`${color.green('added')} ${ignoreEntry} to .gitignore (rendered stack and generated secrets)`);
  out('');
  out(`next: review it, commit it, then on the host run ${color.bold('npx obsctl up')}`);
  return 0;
}
