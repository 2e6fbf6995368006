import type { Static, TObject, TSchema } from '@sinclair/typebox';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldProblem } from '@sp/errors';
import { ConfigError } from './config.errors';
import { describeSchema } from './describe-schema';
import { maskUrlPassword } from './redact-config';
import { SECRET_ANNOTATION, isSecret } from './secret';

// Environment values are always strings: coerce them to the schema's numbers and booleans, and
// fill defaults. `strict: false` because TypeBox and our `secret` annotation add keywords.
const ajv = addFormats(new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false }));
ajv.addKeyword({ keyword: SECRET_ANNOTATION, schemaType: 'boolean' });
const compiled = new WeakMap<TObject, ValidateFunction>();

/**
 * Reads and validates configuration once, at boot. Only variables named in the schema are read;
 * an empty string counts as unset (so `PORT=` falls back to the default). `process.env` is read only
 * when no `env` is given, which keeps tests hermetic. Throws ConfigError listing every bad variable.
 */
export function loadConfig<S extends TObject>(schema: S, env?: NodeJS.ProcessEnv): Static<S> {
  const source = env ?? process.env;
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const raw = source[key];
    if (raw !== undefined && raw !== '') input[key] = raw;
  }
  const validate = validatorFor(schema);
  if (validate(input)) return input as Static<S>;
  throw new ConfigError(problemsFor(schema, source, validate.errors ?? []));
}

function validatorFor(schema: TObject): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** One problem per variable (ajv may report several per value), in schema order. */
function problemsFor(schema: TObject, env: NodeJS.ProcessEnv, errors: ErrorObject[]): FieldProblem[] {
  const bad = new Map<string, string>();
  for (const error of errors) {
    const key =
      error.keyword === 'required'
        ? String((error.params as { missingProperty?: unknown }).missingProperty)
        : error.instancePath.split('/')[1];
    if (key && !bad.has(key)) bad.set(key, error.keyword);
  }
  const ordered = [...bad.keys()].sort((a, b) => order(schema, a) - order(schema, b));
  return ordered.map((key) => {
    const propertySchema: TSchema | undefined = schema.properties[key];
    return {
      field: key,
      code: bad.get(key) ?? 'invalid',
      message: `expected ${describeSchema(propertySchema)}, got ${describeGot(env[key], isSecret(propertySchema))}`,
    };
  });
}

function order(schema: TObject, key: string): number {
  const index = Object.keys(schema.properties).indexOf(key);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

function describeGot(raw: string | undefined, secretValue: boolean): string {
  if (raw === undefined || raw === '') return 'nothing (the variable is required)';
  // Never echo a secret, not even a wrong one: it may be a real secret put in the wrong variable.
  if (secretValue) return `a value of ${raw.length} characters (secret, not shown)`;
  return JSON.stringify(maskUrlPassword(raw));
}
