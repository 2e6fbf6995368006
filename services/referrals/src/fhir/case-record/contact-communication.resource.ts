import type { CodeableConcept, Communication, Reference } from 'fhir/r4';
import type { ContactMethod } from '@sp/contracts';
import type { CaseContactDocument } from '../../case-record/contacts/contact.entity';
import type { ContactOutcome } from '../../case-record/contacts/contact.rules';
import type { ReferralDocument } from '../../referrals/referral.entity';
import { PERSON_SUB_SYSTEM } from '../fhir.constants';
import { patientReference } from '../outputs/procedure';
import { organisationReference } from '../referral-to-fhir';

const CODE_SYSTEM_BASE = 'https://socialprescribing.example.org/CodeSystem';

/**
 * Communication.category of a contact with the patient (platform code system): tells contacts
 * apart from the GP summaries served at the same endpoint (HL7 communication-category
 * `notification`).
 */
export const CONTACT_CATEGORY = {
  system: `${CODE_SYSTEM_BASE}/communication-category`,
  code: 'patient-contact',
  display: 'Contact with the patient',
} as const;

/** Communication.statusReason of an attempt that did not reach the patient (platform codes). */
export const CONTACT_OUTCOME_SYSTEM = `${CODE_SYSTEM_BASE}/contact-outcome`;
/** How the contact was made, as recorded (platform codes; always sent beside any HL7 code). */
export const CONTACT_METHOD_SYSTEM = `${CODE_SYSTEM_BASE}/contact-method`;
const PARTICIPATION_MODE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode';

/**
 * HL7 v3 ParticipationMode for each method, where the R4 code system has one. Text messages have
 * none in R4's copy (THO later added MSGWRIT, which R4 validators reject as unknown), so a text
 * carries only the platform code.
 */
const MEDIUM: Record<ContactMethod, { mode?: { code: string; display: string }; display: string }> = {
  phone: { mode: { code: 'PHONE', display: 'telephone' }, display: 'Telephone' },
  'face-to-face': { mode: { code: 'FACE', display: 'face-to-face' }, display: 'Face to face' },
  video: { mode: { code: 'VIDEOCONF', display: 'videoconferencing' }, display: 'Video call' },
  text: { display: 'Text message' },
};

const OUTCOME_DISPLAY: Record<ContactOutcome, string> = {
  reached: 'Reached',
  'no-answer': 'No answer',
  declined: 'Declined',
  'wrong-number': 'Wrong number',
};

function medium(method: ContactMethod): CodeableConcept {
  const m = MEDIUM[method];
  return {
    coding: [
      ...(m.mode ? [{ system: PARTICIPATION_MODE, ...m.mode }] : []),
      { system: CONTACT_METHOD_SYSTEM, code: method, display: m.display },
    ],
    text: m.display,
  };
}

/** The person who made the contact (their subject at the identity provider), or the organisation. */
function sender(contact: CaseContactDocument): Reference {
  const person = contact.author.person;
  if (!person) return organisationReference(contact.organisationId);
  return {
    identifier: { system: PERSON_SUB_SYSTEM, value: person.sub },
    ...(person.name !== undefined ? { display: person.name } : {}),
  };
}

/**
 * A contact (or attempt) with the patient as a FHIR R4 Communication: completed when the patient
 * was reached, not-done with the coded outcome as statusReason otherwise; medium how; sent when;
 * sender the person (or organisation) who made it; subject and recipient the patient (pseudonymous
 * Patient id, as Task.for); basedOn the referral's ServiceRequest, partOf its Task. The summary
 * (free text) is the payload, absent once consent withdrawal removed it; the narrative holds
 * coded facts only.
 */
export function toContactCommunication(
  contact: CaseContactDocument,
  referral: Pick<ReferralDocument, '_id' | 'patientKey'>,
): Communication {
  const reached = contact.outcome === 'reached';
  const method = MEDIUM[contact.method].display;
  const outcome = OUTCOME_DISPLAY[contact.outcome];
  const patient = patientReference(referral);
  return {
    resourceType: 'Communication',
    id: contact._id,
    meta: { versionId: String(contact.version), lastUpdated: contact.updatedAt.toISOString() },
    text: {
      status: 'generated',
      div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${method}, ${contact.at.toISOString()}: ${outcome}.</p></div>`,
    },
    basedOn: [{ reference: `ServiceRequest/${referral._id}` }],
    partOf: [{ reference: `Task/${referral._id}` }],
    status: reached ? 'completed' : 'not-done',
    ...(reached
      ? {}
      : {
          statusReason: {
            coding: [{ system: CONTACT_OUTCOME_SYSTEM, code: contact.outcome, display: outcome }],
          },
        }),
    category: [{ coding: [{ ...CONTACT_CATEGORY }] }],
    medium: [medium(contact.method)],
    subject: patient,
    sent: contact.at.toISOString(),
    recipient: [patient],
    sender: sender(contact),
    ...(contact.summary !== undefined ? { payload: [{ contentString: contact.summary }] } : {}),
  };
}
