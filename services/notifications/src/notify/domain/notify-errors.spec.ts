import { NotifyErrorCodes, notifyErrorFrom } from './notify-errors';

describe('notifyErrorFrom', () => {
  it.each([
    [429, 'RateLimitError', NotifyErrorCodes.RATE_LIMITED, true],
    [429, 'TooManyRequestsError', NotifyErrorCodes.RATE_LIMITED, true],
    [500, 'Exception', NotifyErrorCodes.UNAVAILABLE, true],
    [503, 'Exception', NotifyErrorCodes.UNAVAILABLE, true],
    [400, 'ValidationError', NotifyErrorCodes.REJECTED, false],
    [400, 'BadRequestError', NotifyErrorCodes.REJECTED, false],
    [403, 'AuthError', NotifyErrorCodes.AUTH_FAILED, false],
    [401, 'AuthError', NotifyErrorCodes.AUTH_FAILED, false],
    [404, 'NoResultFound', NotifyErrorCodes.REJECTED, false],
  ])('maps %i %s to %s (retriable: %s)', (status, error, code, retriable) => {
    const mapped = notifyErrorFrom({ kind: 'http', status, errors: [{ error, message: 'x' }] });
    expect(mapped.code).toBe(code);
    expect(mapped.retriable).toBe(retriable);
    expect(mapped.notifyStatus).toBe(status);
  });

  it('treats a network failure or timeout as retriable unavailability', () => {
    const mapped = notifyErrorFrom({ kind: 'network', code: 'ECONNREFUSED' });
    expect(mapped.code).toBe(NotifyErrorCodes.UNAVAILABLE);
    expect(mapped.retriable).toBe(true);
    expect(mapped.message).toContain('ECONNREFUSED');
  });

  it("never repeats Notify's messages (they may quote the recipient's number or address)", () => {
    const mapped = notifyErrorFrom({
      kind: 'http',
      status: 400,
      errors: [{ error: 'ValidationError', message: 'phone_number 07700 900123 Not a UK mobile number' }],
    });
    expect(mapped.message).toBe('Notify answered 400 (ValidationError)');
    expect(mapped.message).not.toContain('07700');
  });
});
