// `init`: a commented obsctl.yaml from templates/, with the GPU profile detected on this machine,
// and obsctl's generated secrets kept out of git.
import fs from 'node:fs';
import path from 'node:path';
import { nameFromUrl } from '../config/edit.js';
import { parseConfigText } from '../config/load.js';
import { errors } from '../errors.js';
import { jsonSchemaFile, packageRoot, templatesDir } from '../paths.js';
import type { GpuDetection } from '../runtime/gpu-detect.js';
import { addTargetToFile } from './add-target.js';
import type { Ports } from './ports.js';

const schemaUrl = 'https://raw.githubusercontent.com/obsctl/obsctl/main/obsctl.schema.json';
export const ignoreEntry = '/.obsctl/';

export function initText(name: string, gpu: string, detection: GpuDetection, configDir: string): string {
  // A local install gives editors a schema that matches the installed version exactly.
  const relative = path.relative(configDir, jsonSchemaFile);
  const schema = !relative.startsWith('..') && !path.isAbsolute(relative) && fs.existsSync(jsonSchemaFile) && packageRoot.includes('node_modules') ? `./${relative}` : schemaUrl;
  const template = fs.readFileSync(path.join(templatesDir, 'obsctl.yaml'), 'utf8');
  return template.replaceAll('{{schema}}', schema).replaceAll('{{name}}', name).replaceAll('{{gpu}}', gpu).replaceAll('{{detected}}', `${detection.profile} (${detection.detail})`);
}

function ensureIgnored(ports: Ports, dir: string): boolean {
  const file = path.join(dir, '.gitignore');
  const current = ports.readText(file) ?? '';
  if (current.split(/\r?\n/).some((l) => l.trim() === ignoreEntry || l.trim() === '.obsctl/' || l.trim() === '.obsctl')) return false;
  const prefix = current && !current.endsWith('\n') ? '\n' : '';
  ports.writeText(file, `${current}${prefix}# obsctl: rendered stack and generated secrets (0600)\n${ignoreEntry}\n`);
  return true;
}

export interface InitOutcome {
  file: string;
  gpu: string;
  detected: GpuDetection;
  gitignoreUpdated: boolean;
}

export async function init(ports: Ports, options: { config: string; force: boolean; name?: string; gpu?: string; app?: string }): Promise<InitOutcome> {
  const file = path.resolve(options.config);
  const dir = path.dirname(file);
  const existing = ports.readText(file);
  if (existing !== undefined && !options.force) throw errors.configExists(path.relative(process.cwd(), file) || file);
  const detection = await ports.detectGpu();
  // Nothing detected may just mean init runs on a laptop, not the GPU host: keep `auto` then.
  const gpu = options.gpu ?? (detection.profile === 'none' ? 'auto' : detection.profile);
  const name = options.name ?? (path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '').slice(0, 63) || 'obsctl');
  const text = initText(name, gpu, detection, dir);
  // The template must always produce a valid config; if not, that is a bug, caught by tests.
  const check = parseConfigText(text);
  if (!check.config) throw errors.usage(`--name or --gpu is not valid: ${check.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  if (existing !== undefined) ports.writeText(`${file}.bak`, existing);
  ports.writeText(file, text);
  if (options.app) addTargetToFile(ports, file, { name: nameFromUrl(options.app), url: options.app }, { mustExist: true });
  return { file, gpu, detected: detection, gitignoreUpdated: ensureIgnored(ports, dir) };
}
