import type { TSchema } from '@sinclair/typebox';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldProblem } from '@sp/errors';

// No coercion and no defaults: a consumer must see exactly the bytes the producer wrote.
// Two compilations of each schema, same rules: `first` stops at the first error (the happy path of
// every consumed record), `all` collects every error and only runs once `first` has failed, so a
// rejection still lists every problem.
const options = { strict: true, coerceTypes: false, useDefaults: false } as const;
const firstErrorAjv = addFormats(new Ajv({ ...options, allErrors: false }));
const allErrorsAjv = addFormats(new Ajv({ ...options, allErrors: true }));

interface Validators {
  first: ValidateFunction;
  all?: ValidateFunction;
}
const compiled = new WeakMap<TSchema, Validators>();

function validatorsFor(schema: TSchema): Validators {
  let validators = compiled.get(schema);
  if (!validators) {
    validators = { first: firstErrorAjv.compile(schema) };
    compiled.set(schema, validators);
  }
  return validators;
}

/**
 * Compiles once per schema object (a broken schema throws here); TypeBox's symbol keys are
 * invisible to ajv. The returned validator reports every error.
 */
export function validatorFor(schema: TSchema): ValidateFunction {
  const validators = validatorsFor(schema);
  validators.all ??= allErrorsAjv.compile(schema);
  return validators.all;
}

/** Every problem with `value`, fields named from `root` (`data.needs[0]`); empty when valid. */
export function schemaProblems(schema: TSchema, value: unknown, root = 'data'): FieldProblem[] {
  if (validatorsFor(schema).first(value)) return [];
  const all = validatorFor(schema);
  return all(value) ? [] : toProblems(all.errors ?? [], root);
}

export function toProblems(errors: ErrorObject[], root: string): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const problem = toProblem(error, root);
    const id = `${problem.field}|${problem.code}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(problem);
    }
  }
  return problems;
}

function toProblem(error: ErrorObject, root: string): FieldProblem {
  const path = pointerToPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return { field: `${path}.${String(params.missingProperty)}`, code: 'required', message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      field: `${path}.${String(params.additionalProperty)}`,
      code: 'additionalProperties',
      message: 'is not allowed by the contract',
    };
  }
  return { field: path, code: error.keyword, message: error.message ?? 'is invalid' };
}

/** '/needs/0/code' -> 'data.needs[0].code' */
function pointerToPath(pointer: string, root: string): string {
  if (pointer === '') return root;
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, segment) => (/^\d+$/.test(segment) ? `${acc}[${segment}]` : `${acc}.${segment}`), root);
}
