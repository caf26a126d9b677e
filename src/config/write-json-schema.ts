// npm run schema: regenerates obsctl.schema.json at the package root.
import fs from 'node:fs';
import { jsonSchemaFile } from '../paths.js';
import { jsonSchemaText } from './json-schema.js';

fs.writeFileSync(jsonSchemaFile, jsonSchemaText());
console.log(`wrote ${jsonSchemaFile}`);
