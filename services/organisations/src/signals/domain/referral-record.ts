// What the organisations service remembers of one referral, built from referral lifecycle events:
// only what trust and capacity need (which service, when submitted, when first answered, where it
// is in the Task status machine). No patient key: counts are anonymous, so a consent withdrawal
// leaves nothing to redact beyond marking the record.
import type { TaskStatus } from '@sp/contracts';

export interface ReferralRecord {
  referralId: string;
  serviceId?: string;
  /** Receiving organisation (Task.owner) when known. */
  organisationId?: string;
  requesterOrganisationId?: string;
  submittedAt: string;
  /** First answer of the receiving side (accepted or rejected); a timeout is not an answer. */
  firstResponseAt?: string;
  status: TaskStatus;
  /** Version of the referral after the last applied change (events older than it are ignored). */
  version: number;
  everAccepted: boolean;
  expired: boolean;
  /** When it left the active caseload (accepted / in-progress / on-hold) for a terminal status. */
  leftActiveAt?: string;
  /** Submitted while the service had no place: waits on the service's waitlist while requested. */
  waitlisted: boolean;
  enteredInError: boolean;
  consentWithdrawn: boolean;
}

export const ACTIVE_STATUSES: readonly TaskStatus[] = ['accepted', 'in-progress', 'on-hold'];
export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  'rejected',
  'cancelled',
  'completed',
  'failed',
  'entered-in-error',
];

export interface StatusChange {
  referralId: string;
  version: number;
  targetServiceId?: string;
  ownerOrganisationId?: string;
  requesterOrganisationId: string;
  fromStatus: TaskStatus;
  toStatus: TaskStatus;
  submittedAt: string;
  occurredAt: string;
  /** referral.expired: a rejection by timeout, not an answer. */
  expired?: boolean;
}

export interface Submission {
  referralId: string;
  targetServiceId?: string;
  ownerOrganisationId?: string;
  requesterOrganisationId: string;
  occurredAt: string;
}

export function recordFromSubmission(s: Submission, waitlisted: boolean): ReferralRecord {
  return {
    referralId: s.referralId,
    ...(s.targetServiceId ? { serviceId: s.targetServiceId } : {}),
    ...(s.ownerOrganisationId ? { organisationId: s.ownerOrganisationId } : {}),
    requesterOrganisationId: s.requesterOrganisationId,
    submittedAt: s.occurredAt,
    status: 'requested',
    version: 1,
    everAccepted: false,
    expired: false,
    waitlisted,
    enteredInError: false,
    consentWithdrawn: false,
  };
}

/**
 * The record after a status change. A change older than (or as old as) what the record already
 * reflects is ignored (returns the record unchanged), so redelivery and reordering are harmless.
 * A change for a referral never seen submitted starts a record from the change's own fields.
 */
export function applyStatusChange(record: ReferralRecord | null, c: StatusChange): ReferralRecord {
  if (record && c.version <= record.version) return record;
  const base: ReferralRecord = record ?? {
    referralId: c.referralId,
    requesterOrganisationId: c.requesterOrganisationId,
    submittedAt: c.submittedAt,
    status: c.fromStatus,
    version: c.version - 1,
    everAccepted:
      (ACTIVE_STATUSES as readonly string[]).includes(c.fromStatus) ||
      c.fromStatus === 'completed' ||
      c.fromStatus === 'failed',
    expired: false,
    waitlisted: false,
    enteredInError: false,
    consentWithdrawn: false,
  };
  const next: ReferralRecord = {
    ...base,
    ...(c.targetServiceId ? { serviceId: c.targetServiceId } : {}),
    ...(c.ownerOrganisationId ? { organisationId: c.ownerOrganisationId } : {}),
    status: c.toStatus,
    version: c.version,
  };
  const answered = (c.toStatus === 'accepted' || c.toStatus === 'rejected') && !c.expired;
  if (answered && base.firstResponseAt === undefined && base.status === 'requested')
    next.firstResponseAt = c.occurredAt;
  if (c.toStatus === 'accepted') next.everAccepted = true;
  if (c.expired) next.expired = true;
  if (c.toStatus === 'entered-in-error') next.enteredInError = true;
  const wasActive = (ACTIVE_STATUSES as readonly string[]).includes(base.status);
  if (wasActive && (TERMINAL_STATUSES as readonly string[]).includes(c.toStatus))
    next.leftActiveAt = c.occurredAt;
  return next;
}
