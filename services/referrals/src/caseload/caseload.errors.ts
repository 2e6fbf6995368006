import { DomainError, ValidationError } from '@sp/errors';
import type { AssignmentRefusal } from './domain/assignment.rules';

/** The caseload feature's domain errors (stable codes; the HTTP edge renders them). */
export const CaseloadErrors = {
  teamLeadRequired: (message: string) =>
    new DomainError('CASELOAD.TEAM_LEAD_REQUIRED', message, { status: 403 }),
  overrideNotPermitted: (message: string) =>
    new DomainError('CASELOAD.OVERRIDE_NOT_PERMITTED', message, { status: 403 }),
  limitReached: (limit: number, message: string) =>
    new DomainError('CASELOAD.LIMIT_REACHED', message, {
      status: 409,
      problems: [
        { field: 'assigneeSub', code: 'caseload_limit_reached', message: `Caseload limit ${limit}` },
      ],
    }),
  referralClosed: (id: string, status: string) =>
    new DomainError('CASELOAD.REFERRAL_CLOSED', `Referral ${id} is ${status}: it can no longer be assigned`, {
      status: 409,
    }),
  notOwner: () =>
    new DomainError(
      'REFERRAL.NOT_PERMITTED',
      'Only the organisation holding the referral (Task.owner) assigns it to its people',
      { status: 403 },
    ),
  memberNotFound: (sub: string) =>
    new DomainError('CASELOAD.MEMBER_NOT_FOUND', `No person ${sub} on your organisation's team roster`, {
      status: 404,
    }),
};

/** The HTTP-facing error for a refused assignment decision. */
export function assignmentRefusalError(refusal: AssignmentRefusal): DomainError {
  switch (refusal.code) {
    case 'TEAM_LEAD_REQUIRED':
      return CaseloadErrors.teamLeadRequired(refusal.message);
    case 'OVERRIDE_NOT_PERMITTED':
      return CaseloadErrors.overrideNotPermitted(refusal.message);
    case 'REASON_REQUIRED':
      return new ValidationError(
        'The assignment is invalid',
        [{ field: refusal.field, code: 'required', message: refusal.message }],
        { status: 422 },
      );
    case 'NOT_ON_ROSTER':
      return new ValidationError(
        'The assignment is invalid',
        [{ field: refusal.field, code: 'not_on_roster', message: refusal.message }],
        { status: 422 },
      );
    case 'LIMIT_REACHED':
      return CaseloadErrors.limitReached(refusal.limit, refusal.message);
  }
}
