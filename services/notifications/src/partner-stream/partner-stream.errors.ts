import { DomainError } from '@sp/errors';

export const PartnerStreamErrors = {
  notFound: (organisationId: string) =>
    new DomainError(
      'PARTNER_STREAM.NOT_FOUND',
      `Organisation ${organisationId} has no active partner stream`,
    ),
  alreadyActive: (organisationId: string) =>
    new DomainError(
      'PARTNER_STREAM.CONFLICT',
      `Organisation ${organisationId} already has partner stream credentials; rotate them (POST /v1/partner-stream/credentials/rotate) to get a new password, or revoke them (DELETE /v1/partner-stream/credentials) first`,
    ),
  unsupportedOrganisation: (organisationId: string) =>
    new DomainError(
      'PARTNER_STREAM.UNSUPPORTED_ORGANISATION',
      `Organisation id '${organisationId}' cannot name a Kafka topic (letters, digits, '-' and '_' only)`,
      { status: 422 },
    ),
  concurrentChange: (organisationId: string) =>
    new DomainError(
      'PARTNER_STREAM.CONFLICT',
      `The partner stream of organisation ${organisationId} was changed by another request at the same time; read it and try again`,
    ),
  brokerFailed: (what: string, cause: unknown) =>
    new DomainError(
      'PARTNER_STREAM.BROKER_UNAVAILABLE',
      `The event broker did not complete ${what}; nothing was issued, try again (${cause instanceof Error ? cause.message : String(cause)})`,
      { status: 503 },
    ),
};
