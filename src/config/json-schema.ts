// obsctl.schema.json is generated from the zod schema (never edited by hand) so editors complete
// and check obsctl.yaml with exactly the rules obsctl applies. A test keeps the committed copy in sync.
import { z } from 'zod';
import { configSchema } from './schema.js';

export function buildJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a user may write (defaults make every key optional).
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  // Top-level x- keys are ignored by obsctl (a place for anchors), as in Compose files.
  return { $id: 'https://obsctl.dev/obsctl.schema.json', title: 'obsctl.yaml', ...schema, patternProperties: { '^x-': {} } };
}

export const jsonSchemaText = () => `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
