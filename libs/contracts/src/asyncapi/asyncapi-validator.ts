import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// Kept out of the barrel: it reads the official schema from @asyncapi/specs, a dev dependency,
// and only the generator script and tests need it.
//
// The official bundle `3.0.0.json` embeds a copy of the draft-07 meta-schema under its own $id,
// which ajv already knows ("resolves to more than one schema"); the `-without-$id` bundle of the
// same schema uses local #/definitions refs instead, so it compiles as is.
const SCHEMA_FILE = '@asyncapi/specs/schemas/3.0.0-without-$id.json';

let validator: ValidateFunction | undefined;

function officialValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(require.resolve(SCHEMA_FILE), 'utf8')) as Record<string, unknown>;
    // draft-07 (ajv's default); strict off because the official schema uses keywords ajv's strict
    // mode rejects (e.g. unknown formats and annotations).
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Validates a document against the official AsyncAPI 3.0.0 JSON Schema; errors are readable lines. */
export function validateAsyncApiDocument(doc: unknown): { valid: boolean; errors: string[] } {
  const validate = officialValidator();
  if (validate(doc)) return { valid: true, errors: [] };
  const errors = (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
  return { valid: false, errors };
}
