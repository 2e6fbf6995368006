import type { TSchema } from '@sinclair/typebox';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldProblem } from '@sp/errors';

// No coercion and no defaults: a consumer must see exactly the bytes the producer wrote.
const ajv = addFormats(new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false }));
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Compiles once per schema object; TypeBox's symbol keys are invisible to ajv. */
export function validatorFor(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Every problem with `value`, fields named from `root` (`data.needs[0]`); empty when valid. */
export function schemaProblems(schema: TSchema, value: unknown, root = 'data'): FieldProblem[] {
  const validate = validatorFor(schema);
  return validate(value) ? [] : toProblems(validate.errors ?? [], root);
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
