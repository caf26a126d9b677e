// `init`: a commented obsctl.yaml from templates/, with the GPU profile detected on this machine,
// and obsctl's generated secrets kept out of git.
import fs from 'node:fs';
import path from 'node:path';
import { nameFromUrl } from '../config/edit.js';
import { parseConfigText } from '../config/load.js';
import { errors } from '../errors.js';
import { schemaReference, withSchemaRef, writeSchemaBeside } from '../config/schema-file.js';
import { templatesDir } from '../paths.js';
import type { GpuDetection } from '../runtime/gpu-detect.js';
import { addTargetToFile } from './add-target.js';
import type { Ports } from './ports.js';

export const ignoreEntry = '/.obsctl/';

export function initText(name: string, gpu: string, detection: GpuDetection): string {
  const schema = schemaReference; // written beside obsctl.yaml by init (schema-file.ts)
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
  schema: string;
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
  const text = initText(name, gpu, detection);
  // The template must always produce a valid config; if not, that is a bug, caught by tests.
  const check = parseConfigText(text);
  if (!check.config) throw errors.usage(`--name or --gpu is not valid: ${check.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  if (existing !== undefined) ports.writeText(`${file}.bak`, existing);
  ports.writeText(file, text);
  if (options.app) addTargetToFile(ports, file, { name: nameFromUrl(options.app), url: options.app }, { mustExist: true });
  const schema = writeSchemaBeside(file);
  return { file, schema: schema.file, gpu, detected: detection, gitignoreUpdated: ensureIgnored(ports, dir) };
}

/** `init --schema`: this obsctl's schema beside obsctl.yaml, and the modeline pointing at it. */
export function refreshSchema(ports: Ports, file: string): { schema: string; changed: boolean; modelineUpdated: boolean } {
  const schema = writeSchemaBeside(file);
  const text = ports.readText(file);
  const updated = text === undefined ? text : withSchemaRef(text);
  if (text !== undefined && updated !== text) ports.writeText(file, updated!);
  return { schema: schema.file, changed: schema.changed, modelineUpdated: text !== undefined && updated !== text };
}
