import { DomainError } from '@sp/errors';
import {
  backoffDelay,
  classifyFailure,
  decideRetry,
  DEFAULT_RETRY,
  validateRetryOptions,
  type RetryOptions,
} from './retry-policy';

const opts: RetryOptions = { attempts: 3, initialBackoffMs: 200, maxBackoffMs: 5_000 };

describe('classifyFailure', () => {
  it('treats contract violations as contract-violation whatever their retriable flag', () => {
    const error = new DomainError('CONTRACT.INVALID_EVENT', 'bad data', { retriable: true });
    expect(classifyFailure(error)).toEqual({
      code: 'CONTRACT.INVALID_EVENT',
      message: 'bad data',
      kind: 'contract-violation',
    });
  });

  it('follows the retriable flag of domain errors (default: not retriable)', () => {
    expect(classifyFailure(new DomainError('REFERRAL.NOT_FOUND', 'gone')).kind).toBe('non-retriable');
    expect(classifyFailure(new DomainError('ORG.BUSY', 'later', { retriable: true })).kind).toBe('retriable');
  });

  it('recognises a domain error rebuilt from JSON (duck typing)', () => {
    const plain = JSON.parse(JSON.stringify(new DomainError('REFERRAL.CONFLICT', 'x'))) as unknown;
    expect(classifyFailure(plain)).toMatchObject({ code: 'REFERRAL.CONFLICT', kind: 'non-retriable' });
  });

  it('treats plain errors, Node system errors and non-errors as retriable', () => {
    expect(classifyFailure(new Error('boom'))).toEqual({
      code: 'HANDLER.FAILED',
      message: 'boom',
      kind: 'retriable',
    });
    expect(classifyFailure(new TypeError('x is undefined'))).toMatchObject({
      code: 'HANDLER.TypeError',
      kind: 'retriable',
    });
    expect(classifyFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).kind).toBe(
      'retriable',
    );
    expect(classifyFailure('just a string')).toEqual({
      code: 'HANDLER.FAILED',
      message: 'just a string',
      kind: 'retriable',
    });
  });

  it('marks an unreachable database as infrastructure', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoServerSelectionError' });
    expect(classifyFailure(error)).toMatchObject({
      code: 'INFRASTRUCTURE.UNAVAILABLE',
      kind: 'infrastructure',
    });
  });
});

describe('backoffDelay', () => {
  it('grows exponentially from the initial backoff, with half of it jittered', () => {
    expect(backoffDelay(1, opts, () => 0)).toBe(100);
    expect(backoffDelay(1, opts, () => 1)).toBe(200);
    expect(backoffDelay(2, opts, () => 1)).toBe(400);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(600);
  });

  it('never exceeds the cap', () => {
    for (let attempt = 1; attempt < 40; attempt += 1) {
      expect(backoffDelay(attempt, opts, () => 1)).toBeLessThanOrEqual(5_000);
    }
    expect(backoffDelay(10, opts, () => 1)).toBe(5_000);
    expect(backoffDelay(10, opts, () => 0)).toBe(2_500);
  });
});

describe('decideRetry', () => {
  const retriable = { code: 'HANDLER.FAILED', message: 'x', kind: 'retriable' } as const;

  it('retries a retriable failure until the attempts are used up, then dead-letters it', () => {
    expect(decideRetry(retriable, 1, opts, () => 1)).toEqual({ action: 'retry', delayMs: 200 });
    expect(decideRetry(retriable, 2, opts, () => 1)).toEqual({ action: 'retry', delayMs: 400 });
    expect(decideRetry(retriable, 3, opts)).toEqual({ action: 'dead-letter', reason: 'attempts-exhausted' });
  });

  it('dead-letters non-retriable failures and contract violations at the first attempt', () => {
    expect(decideRetry({ code: 'A.B', message: '', kind: 'non-retriable' }, 1, opts)).toEqual({
      action: 'dead-letter',
      reason: 'non-retriable',
    });
    expect(
      decideRetry({ code: 'CONTRACT.UNKNOWN_TYPE', message: '', kind: 'contract-violation' }, 1, opts),
    ).toEqual({
      action: 'dead-letter',
      reason: 'contract-violation',
    });
  });

  it('hands infrastructure failures back for redelivery instead of dead-lettering them', () => {
    const infra = { code: 'INFRASTRUCTURE.UNAVAILABLE', message: '', kind: 'infrastructure' } as const;
    expect(decideRetry(infra, 1, opts).action).toBe('retry');
    expect(decideRetry(infra, 3, opts)).toEqual({ action: 'redeliver' });
  });

  it('with a single attempt, never retries', () => {
    expect(decideRetry(retriable, 1, { ...opts, attempts: 1 })).toEqual({
      action: 'dead-letter',
      reason: 'attempts-exhausted',
    });
  });

  it('uses 3 attempts, 200 ms initial and 5 s max by default', () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 3, initialBackoffMs: 200, maxBackoffMs: 5_000 });
  });
});

describe('validateRetryOptions', () => {
  it('rejects nonsensical options', () => {
    expect(() => validateRetryOptions({ ...opts, attempts: 0 })).toThrow(/attempts/);
    expect(() => validateRetryOptions({ ...opts, maxBackoffMs: 10 })).toThrow(/maxBackoffMs/);
    expect(validateRetryOptions(opts)).toBe(opts);
  });
});
