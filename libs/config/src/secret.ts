import { CloneType, type TSchema } from '@sinclair/typebox';

/** The JSON Schema annotation that marks a value as secret (ajv ignores it; we read it). */
export const SECRET_ANNOTATION = 'secret';

/**
 * Marks a schema as secret: its value is replaced by '***' in `redactConfig` and never quoted in
 * configuration error messages. Returns a copy, so shared schemas are not mutated.
 */
export function secret<T extends TSchema>(schema: T): T {
  return CloneType(schema, { [SECRET_ANNOTATION]: true });
}

export function isSecret(schema: TSchema | undefined): boolean {
  return schema !== undefined && (schema as Record<string, unknown>)[SECRET_ANNOTATION] === true;
}
