import { DomainError } from '@sp/errors';

/** Another organisation's endpoint answers the same as a missing one: its existence is not revealed. */
export function endpointNotFound(id: string): DomainError {
  return new DomainError('WEBHOOK.ENDPOINT_NOT_FOUND', `Webhook endpoint ${id} not found`, { status: 404 });
}

export function messageNotFound(id: string): DomainError {
  return new DomainError('WEBHOOK.MESSAGE_NOT_FOUND', `Webhook message ${id} not found`, { status: 404 });
}

export function endpointDisabled(id: string): DomainError {
  return new DomainError(
    'WEBHOOK.ENDPOINT_DISABLED',
    `Webhook endpoint ${id} is disabled: re-enable it (PATCH {"enabled": true}) before replaying`,
    { status: 409 },
  );
}
