// Notify's error body and the HTTP plumbing of the fake GOV.UK Notify.
import { Buffer } from 'node:buffer';

export class NotifyApiError extends Error {
  constructor(status, errors) {
    super(errors.map((e) => e.message).join('; '));
    this.status = status;
    this.errors = errors;
  }
}
export const fail = (status, error, message) => new NotifyApiError(status, [{ error, message }]);

export function send(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw fail(400, 'BadRequestError', 'Invalid JSON supplied in POST data');
  }
}
