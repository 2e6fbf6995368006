import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { Static, TSchema } from '@sinclair/typebox';
import { ValidationError, type FieldProblem } from '@sp/errors';

const ajv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false }), [
  'date',
  'date-time',
  'email',
  'uri',
  'uuid',
]);

export interface SchemaValidator<S extends TSchema> {
  /** Every problem with the value, each naming its field; empty when valid. */
  problems(value: unknown): FieldProblem[];
  /** Returns the value typed, or throws a ValidationError naming every problem. */
  parse(value: unknown, message?: string): Static<S>;
}

/** Compiles a request schema once; problems name fields as dotted paths (`patient.nhsNumber`). */
export function schemaValidator<S extends TSchema>(schema: S): SchemaValidator<S> {
  const validate = ajv.compile(schema);
  const problems = (value: unknown): FieldProblem[] =>
    validate(value) ? [] : dedupe((validate.errors ?? []).map(toFieldProblem));
  return {
    problems,
    parse(value, message = 'The request is invalid') {
      const found = problems(value);
      if (found.length > 0) throw new ValidationError(message, found);
      return value as Static<S>;
    },
  };
}

export function toFieldProblem(error: ErrorObject): FieldProblem {
  const base = pointerToPath(error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty?: string }).missingProperty ?? '');
      return { field: join(base, missing), code: 'required', message: `${join(base, missing)} is required` };
    }
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty?: string }).additionalProperty ?? '');
      return {
        field: join(base, extra),
        code: 'unknown_field',
        message: `${join(base, extra)} is not a recognised field`,
      };
    }
    case 'enum':
      return {
        field: base || '(body)',
        code: 'not_allowed',
        message: `${base || 'value'} must be one of: ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}`,
      };
    case 'type':
      return {
        field: base || '(body)',
        code: 'wrong_type',
        message: `${base || 'body'} must be ${String((error.params as { type?: string }).type)}`,
      };
    default:
      return {
        field: base || '(body)',
        code: error.keyword,
        message: `${base || 'body'} ${error.message ?? 'is invalid'}`,
      };
  }
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : join(path, part)), '');
}

function join(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}|${p.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
