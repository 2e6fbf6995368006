import type { FieldProblem } from '@sp/errors';

/** Untrusted JSON, read field by field while collecting every problem with its FHIRPath. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-blank string, trimmed; undefined otherwise. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Problems found while reading a FHIR payload; `field` is a FHIRPath expression. */
export class Problems {
  readonly list: FieldProblem[] = [];

  add(field: string, code: string, message: string): void {
    this.list.push({ field, code, message });
  }

  required(field: string, message = `${field} is required`): void {
    this.add(field, 'required', message);
  }

  /** True when some problem names this field (or one inside it). */
  covers(field: string): boolean {
    return this.list.some(
      (p) => p.field === field || p.field.startsWith(`${field}.`) || p.field.startsWith(`${field}[`),
    );
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** The array at `value`, or [] with a problem when it is present but not an array. */
export function list(value: unknown, path: string, problems: Problems): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(path, 'structure', `${path} must be an array`);
    return [];
  }
  return value;
}

/**
 * Elements of the resource that this API does not know: refused, so a misspelt element
 * (`subjct`) or a modifier extension is never silently dropped from patient data.
 */
export function unknownElements(
  resource: Json,
  allowed: readonly string[],
  path: string,
  problems: Problems,
): void {
  for (const key of Object.keys(resource)) {
    if (key === 'modifierExtension') {
      problems.add(`${path}.${key}`, 'not-supported', 'Modifier extensions are not supported');
    } else if (!allowed.includes(key) && !key.startsWith('_')) {
      problems.add(
        `${path}.${key}`,
        'structure',
        `${key} is not an element this API accepts on this resource`,
      );
    }
  }
}

/** Elements every resource may carry. */
export const RESOURCE_ELEMENTS = [
  'resourceType',
  'id',
  'meta',
  'implicitRules',
  'language',
  'text',
  'contained',
  'extension',
] as const;
