import type { Communication, CodeableConcept, Patient, Reference } from 'fhir/r4';
import {
  NHS_NUMBER_SYSTEM,
  ODS_CODE_SYSTEM,
  OUTCOME_SYSTEM,
  REASON_SYSTEM,
  SNOMED_CT,
} from '../../fhir/fhir.constants';
import { organisationReference, serviceReference } from '../../fhir/referral-to-fhir';
import type { ReferralDocument } from '../../referrals/referral.entity';
import { SNOMED, summaryText, type GpSummary } from '../domain/gp-summary';

/** HL7 communication-category: a notification (the message back to the referrer). */
export const COMMUNICATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/communication-category';

type SummaryRecord = GpSummary & { createdAt: Date };

function escapeXhtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** SNOMED CT concept ids are all digits; anything else is a platform outcome code. */
function outcomeConcept(code: string): CodeableConcept {
  return {
    coding: [/^\d{6,18}$/.test(code) ? { system: SNOMED_CT, code } : { system: OUTCOME_SYSTEM, code }],
  };
}

/** The organisation that closed it: none when the platform closed it (the response deadline). */
function sender(summary: GpSummary): Reference | undefined {
  if (summary.closedBy.role === 'system') return undefined;
  return organisationReference(summary.closedBy.organisationId);
}

/**
 * The GP summary as a FHIR R4 Communication: what the referring practice files in the patient's
 * record. The patient is contained as ServiceRequest.subject carries it (NHS number, name, birth
 * date) so the GP system can match the record; the referral is `basedOn`, the Task that tracked
 * it is `about` (with the practice's root referral for an onward one); the SNOMED CT codes for the
 * record are `topic` (what the message is about) and `reasonCode` (with the coded status reason
 * and outcomes); the payload carries the plain-language account, the closed Task (its outputs)
 * and the directory service that offered the support.
 */
export function toCommunication(
  summary: SummaryRecord,
  patient: ReferralDocument['patient'] | undefined,
): Communication {
  const text = summaryText(summary);
  const containedPatient: Patient | undefined = patient
    ? {
        resourceType: 'Patient',
        id: 'patient',
        identifier: [{ system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber }],
        name: [{ family: patient.familyName, given: patient.givenName.split(' ') }],
        birthDate: patient.birthDate,
      }
    : undefined;
  const from = sender(summary);
  return {
    resourceType: 'Communication',
    id: summary._id,
    meta: { versionId: '1', lastUpdated: summary.createdAt.toISOString() },
    text: {
      status: 'generated',
      div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escapeXhtml(text)}</p></div>`,
    },
    ...(containedPatient ? { contained: [containedPatient] } : {}),
    basedOn: [{ reference: `ServiceRequest/${summary.referralId}` }],
    status: 'completed',
    category: [
      { coding: [{ system: COMMUNICATION_CATEGORY_SYSTEM, code: 'notification', display: 'Notification' }] },
    ],
    ...(containedPatient ? { subject: { reference: '#patient' } } : {}),
    topic: {
      coding: [{ system: SNOMED_CT, ...SNOMED.referralToSocialPrescribing }],
      text: 'Social prescribing referral closed',
    },
    about: [
      { reference: `Task/${summary.referralId}` },
      ...(summary.rootReferralId !== summary.referralId
        ? [{ reference: `ServiceRequest/${summary.rootReferralId}` }]
        : []),
    ],
    sent: summary.closedAt,
    recipient: [{ identifier: { system: ODS_CODE_SYSTEM, value: summary.recipient.odsCode } }],
    ...(from ? { sender: from } : {}),
    reasonCode: [
      ...summary.recordCodes.map((c) => ({
        coding: [{ system: SNOMED_CT, code: c.code, display: c.display }],
      })),
      ...(summary.reasonCode ? [{ coding: [{ system: REASON_SYSTEM, code: summary.reasonCode }] }] : []),
      ...summary.outcomeCodes.map(outcomeConcept),
    ],
    payload: [
      { contentString: text },
      { contentReference: { reference: `Task/${summary.referralId}` } },
      ...(summary.targetServiceId ? [{ contentReference: serviceReference(summary.targetServiceId) }] : []),
    ],
  };
}
