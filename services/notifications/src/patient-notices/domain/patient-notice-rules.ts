/** What the referrals service says about contacting the patient (read at send time, never kept). */
export interface PatientContactFacts {
  phone?: string;
  email?: string;
  doNotContact: boolean;
  consent: 'given' | 'not-given' | 'withdrawn';
}

/** The referral events patients hear about, and the template family of each. */
export const PATIENT_NOTICE_KINDS: Readonly<Record<string, string>> = {
  // That the referral was made (and to which service).
  'referral.submitted': 'patient-referral-made',
  // Who will contact them: the service (and organisation) that accepted.
  'referral.accepted': 'patient-referral-accepted',
};

export type PatientNoticeDecision =
  | { action: 'send'; channel: 'sms' | 'email'; template: string }
  | {
      action: 'suppress';
      reason: 'consent-withdrawn' | 'consent-not-given' | 'do-not-contact' | 'no-contact-details';
    };

/**
 * Whether and how to tell the patient: only with consent, never with "do not contact", by text
 * message to a mobile, else by email, else not at all. Quiet hours only delay a text message
 * (see quiet-hours.ts); they never suppress it.
 */
export function decidePatientNotice(
  kind: string,
  contact: PatientContactFacts,
): PatientNoticeDecision | undefined {
  const family = PATIENT_NOTICE_KINDS[kind];
  if (!family) return undefined;
  if (contact.consent === 'withdrawn') return { action: 'suppress', reason: 'consent-withdrawn' };
  if (contact.consent !== 'given') return { action: 'suppress', reason: 'consent-not-given' };
  if (contact.doNotContact) return { action: 'suppress', reason: 'do-not-contact' };
  if (contact.phone) return { action: 'send', channel: 'sms', template: `${family}-sms` };
  if (contact.email) return { action: 'send', channel: 'email', template: `${family}-email` };
  return { action: 'suppress', reason: 'no-contact-details' };
}
