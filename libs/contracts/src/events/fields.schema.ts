import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';

// Building blocks shared by every event payload. None of them can hold free text: identifiers and
// codes are pattern-restricted, so a name, address, note or NHS number cannot be smuggled into one
// of them without failing the contract (an NHS number would need a field of its own, and
// additionalProperties: false refuses it).

/** An opaque identifier of an aggregate (uuid, ulid, or a readable slug). */
export const Id = (description: string) =>
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$', description });

/** An NHS Organisation Data Service code (e.g. 'A81001'). */
export const OdsCode = (description: string) =>
  Type.String({ minLength: 3, maxLength: 10, pattern: '^[A-Z0-9]+$', description });

/** A code from a published code system (our need taxonomy, SNOMED CT concept id, HSDS taxonomy term). */
export const Code = (description: string) => Type.String({ pattern: '^[A-Za-z0-9.:_-]{1,64}$', description });

/** HMAC-SHA256 pseudonym of the NHS number (lower-case hex); not reversible without the key. */
export const PatientKey = () =>
  Type.String({
    pattern: '^[a-f0-9]{64}$',
    description:
      'Pseudonymous patient key: HMAC-SHA256 of the NHS number under a deployment secret. Stable per patient, never the NHS number itself.',
  });

/** When the fact became true, RFC 3339 with offset (not when it was published). */
export const OccurredAt = () =>
  Type.String({ format: 'date-time', description: 'When the fact happened (RFC 3339, with time zone)' });

/** A string enum as a plain JSON Schema `enum` (clearer in AsyncAPI and in error messages than anyOf). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}
