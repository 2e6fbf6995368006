import { isDomainError } from '@sp/errors';
import { request as expressRequest, type Request } from 'express';
import { csvFilename, negotiate } from './report-response';

/** Express's own content negotiation (req.accepts) on a bare request with this Accept header. */
function requestAccepting(accept: string | undefined) {
  const request = Object.create(expressRequest) as Request;
  Object.assign(request, { headers: accept === undefined ? {} : { accept } });
  return request;
}

describe('negotiate', () => {
  it.each([
    [undefined, 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['application/*', 'json'],
    ['text/csv', 'csv'],
    ['text/*', 'csv'],
    ['text/csv;q=0.9, application/json;q=0.5', 'csv'],
    ['text/html, text/csv;q=0.1', 'csv'],
  ])('Accept %s gives %s', (accept, expected) => {
    expect(negotiate(requestAccepting(accept))).toBe(expected);
  });

  it('refuses a type it cannot produce with a 406 problem', () => {
    let thrown: unknown;
    try {
      negotiate(requestAccepting('application/xml'));
    } catch (error) {
      thrown = error;
    }
    expect(isDomainError(thrown) && { code: thrown.code, status: thrown.status }).toEqual({
      code: 'REPORT.NOT_ACCEPTABLE',
      status: 406,
    });
  });
});

describe('csvFilename', () => {
  it('names the report and its period', () => {
    const period = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' };
    expect(csvFilename({ period }, 'unmet-demand')).toBe('unmet-demand-2025-01-01-to-2026-01-01.csv');
  });
});
