import type { TObject } from '@sinclair/typebox';
import { isSecret } from './secret';

export const REDACTED = '***';

/**
 * A copy of `config` safe to log: secret values become '***', and passwords embedded in URLs
 * (`mongodb://user:pw@host`) are masked too, because connection strings are rarely marked secret.
 */
export function redactConfig(schema: TObject, config: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isSecret(schema.properties[key])) out[key] = value === undefined ? undefined : REDACTED;
    else out[key] = typeof value === 'string' ? maskUrlPassword(value) : value;
  }
  return out;
}

/** `scheme://user:secret@host` -> `scheme://user:***@host`; anything else unchanged. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i, `$1:${REDACTED}@`);
}
