import { DomainError } from '@sp/errors';

/** The referral operations' domain errors (stable codes; the HTTP and FHIR edges map the status). */
export const ReferralErrors = {
  notFound: (id: string) =>
    new DomainError('REFERRAL.NOT_FOUND', `Referral ${id} not found`, { status: 404 }),
  notPermitted: (message: string) => new DomainError('REFERRAL.NOT_PERMITTED', message, { status: 403 }),
  invalidTransition: (message: string) =>
    new DomainError('REFERRAL.INVALID_TRANSITION', message, { status: 409 }),
  consentWithdrawn: (id: string) =>
    new DomainError(
      'REFERRAL.CONSENT_WITHDRAWN',
      `Consent was withdrawn for referral ${id}: no further processing or contact`,
      { status: 409 },
    ),
  versionMismatch: (expected: number, current: number) =>
    new DomainError(
      'REFERRAL.VERSION_MISMATCH',
      `The referral is at version ${current}, not ${expected}: read it again before changing it`,
      { status: 412 },
    ),
  /** The caller sent If-Match: another change of that version won while this one was being made. */
  changedSince: (expected: number) =>
    new DomainError(
      'REFERRAL.VERSION_MISMATCH',
      `The referral changed after version ${expected}: read it again before changing it`,
      { status: 412 },
    ),
  /** No If-Match: another change won the race for the version this one was decided on. */
  concurrentUpdate: () =>
    new DomainError('REFERRAL.CONCURRENT_UPDATE', 'The referral changed while this change was made; retry', {
      status: 409,
      retriable: true,
    }),
  idempotencyKeyReused: (what: string) =>
    new DomainError(
      'REFERRAL.IDEMPOTENCY_KEY_REUSED',
      `This Idempotency-Key was used for a different ${what}`,
      {
        status: 422,
        problems: [
          { field: 'Idempotency-Key', code: 'reused', message: 'Send a new key for a different request' },
        ],
      },
    ),
};
