import { DomainError } from '@sp/errors';

export const InboxErrorCodes = {
  NOT_FOUND: 'INBOX.NOT_FOUND',
} as const;

/**
 * Notices the caller cannot see: no such id, another organisation's, or addressed to a colleague.
 * The same answer for all three, so an id's existence elsewhere is not revealed.
 */
export function inboxNoticesNotFound(missing: ReadonlyArray<{ id: string; field: string }>): DomainError {
  return new DomainError(
    InboxErrorCodes.NOT_FOUND,
    missing.length === 1
      ? 'No such notice in your inbox'
      : `${missing.length} of these notices are not in your inbox`,
    {
      status: 404,
      problems: missing.map(({ id, field }) => ({
        field,
        code: 'not_found',
        message: `${id} is not a notice in your inbox`,
      })),
    },
  );
}
