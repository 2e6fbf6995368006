import type { Request } from 'express';
import { DomainError, ValidationError } from '@sp/errors';

/**
 * HTTP helpers shared by the referrals service's JSON controllers (referrals, caseload, case
 * record): the JSON body (415 for another media type) and If-Match as a version.
 */

/** The JSON body, refusing any other media type (415); undefined when the request has no body. */
export function jsonBody(request: Request): unknown {
  if (request.headers['content-length'] === '0' && request.headers['transfer-encoding'] === undefined)
    return undefined;
  const type = request.is('application/json');
  if (type === false) {
    throw new DomainError('REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', {
      status: 415,
      problems: [{ field: 'Content-Type', code: 'unsupported', message: 'Expected application/json' }],
    });
  }
  return type === null ? undefined : (request.body as unknown);
}

/** If-Match: `W/"3"`, `"3"` or `3` -> 3; absent -> undefined; anything else 400 naming If-Match. */
export function ifMatchVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match) {
    throw new ValidationError('The If-Match header is invalid', [
      { field: 'If-Match', code: 'invalid_format', message: 'Send the ETag you read, e.g. W/"3"' },
    ]);
  }
  return Number(match[1]);
}
