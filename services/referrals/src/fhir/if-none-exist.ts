import { ValidationError } from '@sp/errors';

export interface ConditionalCreate {
  /** Normalised query, `identifier=<system>|<value>`. */
  query: string;
  identifier: { system: string; value: string };
}

/**
 * Reads a FHIR conditional-create query (`If-None-Exist` header or `Bundle.entry.request.ifNoneExist`).
 * Only `identifier=system|value` is supported: a business identifier the client chose, so a retried
 * post finds the referral the first one made. `expression` names where the query came from.
 */
export function parseIfNoneExist(raw: string, expression: string): ConditionalCreate {
  const refuse = (message: string): never => {
    throw new ValidationError([{ field: expression, code: 'not-supported', message }]);
  };
  const query = raw.trim().replace(/^[A-Za-z]*\?/, '');
  const params = new URLSearchParams(query);
  const keys = [...params.keys()];
  if (keys.length !== 1 || keys[0] !== 'identifier') {
    refuse('Conditional create supports exactly one search parameter: identifier=system|value');
  }
  const token = params.get('identifier') ?? '';
  const bar = token.indexOf('|');
  const system = bar > 0 ? token.slice(0, bar).trim() : '';
  const value = bar > 0 ? token.slice(bar + 1).trim() : '';
  if (system === '' || value === '' || value.includes('|')) {
    refuse('The identifier must be given as system|value, both non-empty');
  }
  return { query: `identifier=${system}|${value}`, identifier: { system, value } };
}

/** The idempotency key of a conditional create (one referral per query). */
export function idempotencyKeyFor(conditional: ConditionalCreate): string {
  return `fhir:${conditional.query}`;
}
