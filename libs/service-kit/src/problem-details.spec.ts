import {
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { DomainError, ValidationError } from '@sp/errors';
import { bodyParserErrorToDomainError } from './body-parsers';
import { codeForStatus, problemTypeUri, toProblem } from './problem-details';

const ctx = { instance: '/referrals/r-1', correlationId: 'corr-1' };

describe('problemTypeUri', () => {
  it('lowercases the code and turns dots into dashes', () => {
    expect(problemTypeUri('REQUEST.MALFORMED_JSON')).toBe(
      'https://social-prescribing.example/problems/request-malformed_json',
    );
    expect(problemTypeUri('INTERNAL')).toBe('https://social-prescribing.example/problems/internal');
  });
});

describe('toProblem', () => {
  it('renders a DomainError with its status, code, message and the request coordinates', () => {
    const { document, unexpected } = toProblem(
      new DomainError('REFERRAL.NOT_FOUND', 'Referral r-1 not found'),
      ctx,
    );
    expect(document).toEqual({
      type: 'https://social-prescribing.example/problems/referral-not_found',
      title: 'Not Found',
      status: 404,
      detail: 'Referral r-1 not found',
      code: 'REFERRAL.NOT_FOUND',
      correlationId: 'corr-1',
      instance: '/referrals/r-1',
    });
    expect(unexpected).toBe(false);
  });

  it('lists field problems of a ValidationError under errors', () => {
    const problems = [{ field: 'needs', code: 'minItems', message: 'must have at least 1 item' }];
    const { document } = toProblem(new ValidationError(problems), ctx);
    expect(document).toMatchObject({
      status: 400,
      code: 'VALIDATION.FAILED',
      title: 'Bad Request',
      errors: problems,
    });
  });

  it('maps auth errors to 401 and 403', () => {
    expect(
      toProblem(new DomainError('AUTH.UNAUTHENTICATED', 'Access token has expired'), ctx).document,
    ).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(toProblem(new DomainError('AUTH.FORBIDDEN', 'no'), ctx).document).toMatchObject({
      status: 403,
      title: 'Forbidden',
    });
  });

  it.each([
    [new NotFoundException('Cannot GET /nope'), 404, 'REQUEST.NOT_FOUND', 'Cannot GET /nope'],
    [new PayloadTooLargeException(), 413, 'REQUEST.TOO_LARGE', 'Payload Too Large'],
    [new UnsupportedMediaTypeException(), 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type'],
    [
      new BadRequestException(['a must be a string', 'b is required']),
      400,
      'REQUEST.INVALID',
      'a must be a string; b is required',
    ],
    [new HttpException('teapot', 418), 418, 'REQUEST.HTTP_418', 'teapot'],
  ])('maps Nest HttpException %# to its status and a code', (err, status, code, detail) => {
    expect(toProblem(err, ctx)).toEqual({
      document: expect.objectContaining({ status, code, detail, type: problemTypeUri(code) }),
      unexpected: false,
    });
  });

  it('hides the internals of unexpected errors behind a generic 500 INTERNAL', () => {
    const { document, unexpected } = toProblem(new Error('connect ECONNREFUSED mongodb://admin:pw@db'), ctx);
    expect(unexpected).toBe(true);
    expect(document).toMatchObject({
      status: 500,
      code: 'INTERNAL',
      title: 'Internal Server Error',
      correlationId: 'corr-1',
    });
    expect(JSON.stringify(document)).not.toContain('ECONNREFUSED');
    expect(toProblem('a thrown string', ctx).document.status).toBe(500);
  });

  it('hides the message of 5xx HttpExceptions too', () => {
    const { document } = toProblem(new HttpException('db is down at 10.0.0.3', 503), ctx);
    expect(document).toMatchObject({ status: 503, code: 'SERVICE.UNAVAILABLE' });
    expect(document.detail).not.toContain('10.0.0.3');
  });

  it('keeps client-safe (expose) http-errors from body parsing', () => {
    const err = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'x',
    });
    expect(toProblem(err, ctx).document).toMatchObject({
      status: 413,
      code: 'REQUEST.TOO_LARGE',
      detail: 'request entity too large',
    });
  });

  it('omits correlationId when there is none', () => {
    expect(toProblem(new Error('x'), { instance: '/' }).document).not.toHaveProperty('correlationId');
  });
});

describe('bodyParserErrorToDomainError', () => {
  it('turns body-parser failures into coded DomainErrors', () => {
    const malformed = bodyParserErrorToDomainError(
      Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 }),
    );
    expect(malformed).toMatchObject({ code: 'REQUEST.MALFORMED_JSON', status: 400 });
    const large = bodyParserErrorToDomainError(
      Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413, limit: 1024 }),
    );
    expect(large).toMatchObject({
      code: 'REQUEST.TOO_LARGE',
      status: 413,
      message: 'The request body is too large (limit 1024 bytes)',
    });
  });

  it('passes other errors through untouched', () => {
    const other = new Error('other');
    expect(bodyParserErrorToDomainError(other)).toBe(other);
  });
});

describe('codeForStatus', () => {
  it('falls back to INTERNAL for unknown 5xx', () => {
    expect(codeForStatus(502)).toBe('INTERNAL');
  });
});
