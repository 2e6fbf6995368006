/** The caller as the internal patient-contact API sees it (a verified access token). */
export interface ContactReader {
  clientId: string;
  role: string;
  scopes: string[];
  /** Set when a person signed in (OIDC): never a platform component. */
  personSub?: string;
}

/** The scope a platform component's token carries to read patients' contact details. */
export const PATIENT_CONTACT_SCOPE = 'patient-contact:read';

/**
 * Only platform components named in PATIENT_CONTACT_READERS (the notifications service) may read
 * a patient's contact details, through a client-credentials token with the ops role or the
 * dedicated scope; never a person, never an organisation's client, whatever its role.
 */
export function mayReadPatientContact(reader: ContactReader, allowedClientIds: readonly string[]): boolean {
  if (reader.personSub !== undefined) return false;
  if (!allowedClientIds.includes(reader.clientId)) return false;
  return reader.role === 'ops' || reader.scopes.includes(PATIENT_CONTACT_SCOPE);
}

/** Why a contact read happens; recorded in the audit log with it. */
export const PATIENT_CONTACT_PURPOSES = ['patient-notification'] as const;
export type PatientContactPurpose = (typeof PATIENT_CONTACT_PURPOSES)[number];

/** Consent as a notification needs it: may the patient be told? */
export type ContactConsent = 'given' | 'not-given' | 'withdrawn';

export function contactConsent(consent: { given: boolean; withdrawnAt?: Date }): ContactConsent {
  if (consent.withdrawnAt) return 'withdrawn';
  return consent.given ? 'given' : 'not-given';
}
