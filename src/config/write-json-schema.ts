// npm run schema: regenerates obsctl.schema.json and stack.schema.json at the package root.
import fs from 'node:fs';
import { jsonSchemaFile, manifestSchemaFile } from '../paths.js';
import { manifestJsonSchemaText } from '../render/manifest.js';
import { jsonSchemaText } from './json-schema.js';

fs.writeFileSync(jsonSchemaFile, jsonSchemaText());
console.log(`wrote ${jsonSchemaFile}`);
fs.writeFileSync(manifestSchemaFile, manifestJsonSchemaText());
console.log(`wrote ${manifestSchemaFile}`);
