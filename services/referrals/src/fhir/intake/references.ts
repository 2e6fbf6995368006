import { ValidationError } from '@sp/errors';
import { isObject, text, type Json, type Problems } from '../fhir-json';

/**
 * What every intake reader shares: a resource found in the payload with the FHIRPath that reaches
 * it, the scope that resolves references between the resources of one payload, and small readers
 * of identifiers and codings. Pure code: no framework imports.
 */

/** A resource found in the payload, with the FHIRPath that reaches it. */
export interface Located {
  resource: Json;
  path: string;
  /** Bundle entry index (transactions only). */
  entry?: number;
}

/** Resolves references between the resources of one payload. */
export interface Scope {
  resolve(reference: string): Located | undefined;
  patients: Located[];
}

export const ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function fail(problems: Problems): never {
  throw new ValidationError(problems.list);
}

/** `ServiceRequest/abc` (optionally absolute or versioned) -> `abc` when the type matches. */
export function idFromReference(reference: string, type: string): string | undefined {
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9._:-]{1,64})(?:/_history/[^/]+)?$`).exec(reference);
  return match?.[1];
}

export function identifierValue(
  identifiers: unknown,
  system: string,
): { value: string; index: number } | undefined {
  if (!Array.isArray(identifiers)) return undefined;
  for (const [index, id] of identifiers.entries()) {
    if (isObject(id) && id.system === system) {
      const value = text(id.value);
      if (value !== undefined) return { value, index };
    }
  }
  return undefined;
}

export function codings(concept: unknown): Json[] {
  if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
  return concept.coding.filter(isObject);
}

/**
 * What a reference made from `from` designates: `#id` is a resource contained in `from` (FHIR
 * contained-resource rule), anything else is resolved in the payload's scope.
 */
export function resolveFrom(from: Located, reference: string, scope: Scope): Located | undefined {
  if (reference.startsWith('#') && Array.isArray(from.resource.contained)) {
    const id = reference.slice(1);
    const index = from.resource.contained.findIndex((c) => isObject(c) && c.id === id);
    const found = from.resource.contained[index];
    if (isObject(found)) return { resource: found, path: `${from.path}.contained[${index}]` };
  }
  return scope.resolve(reference);
}
