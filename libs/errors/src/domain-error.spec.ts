import { DomainError, ErrorCodes, ValidationError, defaultStatusForCode, isDomainError } from './index';

describe('DomainError', () => {
  it('keeps code, message and defaults (status from code, no problems, not retriable)', () => {
    const err = new DomainError('REFERRAL.NOT_FOUND', 'Referral r-1 not found');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('DomainError');
    expect(err.code).toBe('REFERRAL.NOT_FOUND');
    expect(err.message).toBe('Referral r-1 not found');
    expect(err.status).toBe(404);
    expect(err.problems).toEqual([]);
    expect(err.retriable).toBe(false);
  });

  it.each([
    ['VALIDATION.FAILED', 400],
    ['AUTH.UNAUTHENTICATED', 401],
    ['AUTH.FORBIDDEN', 403],
    ['SERVICE.NOT_FOUND', 404],
    ['REFERRAL.CONFLICT', 409],
    ['INTERNAL', 500],
    ['REFERRAL.INVALID_TRANSITION', 500],
  ])('maps %s to status %i by default', (code, status) => {
    expect(defaultStatusForCode(code)).toBe(status);
    expect(new DomainError(code, 'x').status).toBe(status);
  });

  it('honours explicit status, problems, retriable and cause', () => {
    const cause = new Error('socket hang up');
    const problems = [{ field: 'status', code: 'transition', message: 'cannot go from completed' }];
    const err = new DomainError('REFERRAL.INVALID_TRANSITION', 'bad', {
      status: 422,
      problems,
      retriable: true,
      cause,
    });
    expect(err.status).toBe(422);
    expect(err.problems).toEqual(problems);
    expect(err.retriable).toBe(true);
    expect(err.cause).toBe(cause);
  });

  it('serialises to JSON with its code and problems', () => {
    const err = new DomainError('AUTH.FORBIDDEN', 'no');
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'DomainError',
      code: 'AUTH.FORBIDDEN',
      message: 'no',
      status: 403,
      problems: [],
      retriable: false,
    });
  });
});

describe('isDomainError', () => {
  it('recognises instances and subclasses', () => {
    expect(isDomainError(new DomainError('X.Y', 'z'))).toBe(true);
    expect(isDomainError(new ValidationError([]))).toBe(true);
  });

  it('recognises a structurally equal error from another copy of the library (or rebuilt from JSON)', () => {
    const foreign = JSON.parse(JSON.stringify(new DomainError('REFERRAL.NOT_FOUND', 'gone')));
    expect(foreign).not.toBeInstanceOf(DomainError);
    expect(isDomainError(foreign)).toBe(true);
  });

  it('rejects plain errors, Node system errors carrying a code, and non-objects', () => {
    const sys = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isDomainError(sys)).toBe(false);
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(isDomainError(null)).toBe(false);
    expect(isDomainError('VALIDATION.FAILED')).toBe(false);
    expect(isDomainError(undefined)).toBe(false);
  });
});

describe('ValidationError', () => {
  const problems = [
    { field: 'nhsNumber', code: 'checkDigit', message: 'fails the check digit' },
    { field: 'needs', code: 'minItems', message: 'must have at least 1 item' },
  ];

  it('is a non-retriable VALIDATION.FAILED 400 that lists its problems in the message', () => {
    const err = new ValidationError(problems);
    expect(err.name).toBe('ValidationError');
    expect(err.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(err.status).toBe(400);
    expect(err.retriable).toBe(false);
    expect(err.problems).toEqual(problems);
    expect(err.message).toBe(
      'Validation failed: nhsNumber fails the check digit; needs must have at least 1 item',
    );
  });

  it('accepts a message first, and status 422', () => {
    const err = new ValidationError('Referral is invalid', problems, { status: 422 });
    expect(err.message).toBe('Referral is invalid');
    expect(err.status).toBe(422);
    expect(err.problems).toEqual(problems);
  });

  it('accepts options after the problems', () => {
    const err = new ValidationError(problems, { message: 'Bad input', status: 422 });
    expect(err.message).toBe('Bad input');
    expect(err.status).toBe(422);
  });
});
