// `npm run build`, step 3: the Compose spec schema compiled once, at build time, into
// dist/src/validate/compose-validator.cjs with Ajv's standalone code (the code ajv.compile
// generates at run time, written out). A first-ever `validate`/`up` spent ~0.4-1 s of CPU compiling
// it (issue 15). The file carries the digest of the schema and options it was compiled from;
// src/validate/compose-schema.ts uses it only when that digest matches, else compiles as before.
import fs from 'node:fs';
import path from 'node:path';
import { PRECOMPILED_VALIDATOR, precompiledValidatorModule } from '../dist/src/validate/compose-schema.js';

fs.mkdirSync(path.dirname(PRECOMPILED_VALIDATOR), { recursive: true });
fs.writeFileSync(PRECOMPILED_VALIDATOR, precompiledValidatorModule());
