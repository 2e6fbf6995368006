import type { Response } from 'express';

/** HTTP helpers of the case-record controllers: the service's JSON helpers and an entry's ETag. */
export { ifMatchVersion, jsonBody } from '../http/json-http';

export function setEntryEtag(response: Response, entry: { version: number }): void {
  response.setHeader('ETag', `W/"${entry.version}"`);
}
