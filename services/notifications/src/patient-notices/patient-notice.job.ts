import type { NoticeTrace } from '../dispatch/organisation-notice';

/**
 * A patient notification to send: ids only. The patient's number or address is read from the
 * referrals service when the job runs and is never written to the job, the ledger or a log.
 */
export interface PatientNoticeJobData {
  /** 'referral.submitted' or 'referral.accepted'. */
  kind: string;
  eventId: string;
  referralId: string;
  /** The referrer (whose quiet hours apply, and who sees the status). */
  requesterOrganisationId: string;
  targetServiceId?: string;
  ownerOrganisationId?: string;
  occurredAt: string;
  trace: NoticeTrace;
}

export const PATIENT_NOTICE_JOB_NAME = 'notify-patient';

/** One job per event: a redelivered event adds nothing. BullMQ ids may not contain ':'. */
export function patientNoticeJobId(eventId: string): string {
  return `patient-${eventId}`.replace(/:/g, '_');
}

/** The ledger's notice id of a patient notification (target 'patient'). */
export function patientNoticeId(eventId: string): string {
  return `${eventId}:patient`;
}
