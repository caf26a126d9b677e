// The JSON Schema that editors use for obsctl.yaml, kept beside it: `init` writes the installed
// obsctl's copy as ./obsctl.schema.json (committed with obsctl.yaml, so it resolves offline, for
// everyone who clones the repository) and points the yaml-language-server modeline at it;
// `init --schema` refreshes it after an upgrade. No URL: a schema fetched from the network may
// belong to another version, or not exist.
import fs from 'node:fs';
import path from 'node:path';
import { jsonSchemaFile } from '../paths.js';

export const schemaFileName = 'obsctl.schema.json';
export const schemaReference = `./${schemaFileName}`;
const modeline = /^# yaml-language-server: \$schema=(\S*)[^\n]*\n?/;

/** The $schema reference of an obsctl.yaml text, if it has the modeline. */
export function schemaRef(text: string): string | undefined {
  return modeline.exec(text)?.[1];
}

/** The text with its modeline pointing at ref (added as the first line when there is none). */
export function withSchemaRef(text: string, ref = schemaReference): string {
  const line = `# yaml-language-server: $schema=${ref}\n`;
  return modeline.test(text) ? text.replace(modeline, line) : `${line}${text}`;
}

/** Writes the installed obsctl's schema beside the config file; true when it changed. */
export function writeSchemaBeside(configFile: string): { file: string; changed: boolean } {
  const file = path.join(path.dirname(configFile), schemaFileName);
  const wanted = fs.readFileSync(jsonSchemaFile, 'utf8');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === wanted) return { file, changed: false };
  fs.writeFileSync(file, wanted);
  return { file, changed: true };
}

/** A warning when the config points at a schema beside it that is not this obsctl's. */
export function staleSchemaWarning(configFile: string, text: string): string | undefined {
  if (schemaRef(text) !== schemaReference) return undefined;
  const file = path.join(path.dirname(configFile), schemaFileName);
  if (path.resolve(file) === path.resolve(jsonSchemaFile)) return undefined;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === fs.readFileSync(jsonSchemaFile, 'utf8')) return undefined;
  return `${schemaFileName} ${current === undefined ? 'is missing' : 'is from another obsctl version'}: editors check obsctl.yaml against the wrong rules. Run \`obsctl init --schema\` to write this version's.`;
}
