import { DomainError, type FieldProblem } from '@sp/errors';

/** The case record's domain errors (stable codes; the HTTP and FHIR edges render them). */
export const CaseRecordErrors = {
  /** The caller may see the referral but not its case record (the referring practice). */
  forbidden: () =>
    new DomainError(
      'CASE_RECORD.FORBIDDEN',
      'The case record belongs to the organisation holding the referral; only its people may read or write it',
      { status: 403 },
    ),
  /** A worker changing another worker's entry, or a client changing a person's. */
  notAuthor: () =>
    new DomainError(
      'CASE_RECORD.NOT_AUTHOR',
      'Only the person who wrote this entry, or a team lead, may change it',
      { status: 403 },
    ),
  readOnly: (referralId: string) =>
    new DomainError(
      'CASE_RECORD.READ_ONLY',
      `Consent was withdrawn for referral ${referralId}: its case record is redacted and read-only`,
      { status: 409 },
    ),
  entryNotFound: (kind: string, id: string) =>
    new DomainError('CASE_RECORD.NOT_FOUND', `No ${kind} ${id} in this case record`, { status: 404 }),
  invalid: (problems: FieldProblem[]) =>
    new DomainError('VALIDATION.FAILED', 'The case-record entry is not valid', { status: 422, problems }),
  versionMismatch: (expected: number, current: number) =>
    new DomainError(
      'CASE_RECORD.VERSION_MISMATCH',
      `The entry is at version ${current}, not ${expected}: read it again before changing it`,
      { status: 412 },
    ),
};

/** Longest free text accepted, by field kind (stored as given, never interpreted). */
export const TEXT_LIMITS = {
  note: 10_000,
  whatMatters: 2_000,
  concern: 1_000,
  actionText: 1_000,
  contactSummary: 2_000,
  reason: 500,
} as const;
