/**
 * One notification for one organisation about one referral event: what every outward channel
 * (email, webhooks, partner streams) delivers. Ids, codes and times only; never patient data or
 * free text: the receiver reads details through the authorised APIs.
 */
export interface OrganisationNotice {
  /** `${eventId}:${organisationId}`: the inbox entry id; stable per event and recipient. */
  id: string;
  /** The Kafka event's CloudEvents id. */
  eventId: string;
  /** Event name, e.g. 'referral.submitted', 'referral.rejected'. */
  kind: string;
  /** CloudEvents type of the source event (the contract's type). */
  eventType: string;
  referralId: string;
  /** The recipient organisation. */
  organisationId: string;
  /** FHIR Task status after the event, when the event has one. */
  status?: string;
  /** Coded reason (rejected, cancelled, failed, on hold). */
  reasonCode?: string;
  /** ISO time of the event. */
  occurredAt: string;
  /** Critical notices (cancellations, consent withdrawn) cannot be switched off by preferences. */
  critical: boolean;
  trace: NoticeTrace;
}

export interface NoticeTrace {
  correlationId: string;
  causationId: string;
  traceparent?: string;
}

/** Kinds an organisation cannot switch off: they tell it to stop working on a referral. */
export const CRITICAL_KINDS: readonly string[] = ['referral.cancelled', 'referral.entered-in-error'];

/** A notice is critical when its kind is, or when it says consent was withdrawn. */
export function isCritical(kind: string, reasonCode?: string): boolean {
  return CRITICAL_KINDS.includes(kind) || reasonCode === 'consent-withdrawn';
}

export function noticeId(eventId: string, organisationId: string): string {
  return `${eventId}:${organisationId}`;
}
