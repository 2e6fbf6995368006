import type { TaskStatus } from '@sp/contracts';
import { NEED_CODES } from '../domain/need-taxonomy';
import type { Ons4, ReferralDocument, ReferralHistoryEntry } from '../referrals/referral.entity';
import {
  CONSENT_SCOPE_CODE,
  CONSENT_SCOPE_SYSTEM,
  DIRECTORY_SERVICE_SYSTEM,
  DO_NOT_CONTACT_CODE,
  NEED_SYSTEM,
  NHS_NUMBER_SYSTEM,
  ODS_CODE_SYSTEM,
  ONS4_ITEMS,
  ons4OutputCode,
  ORDER_DETAIL_SYSTEM,
  ORGANISATION_ID_SYSTEM,
  OUTCOME_NOTE_OUTPUT_CODE,
  OUTCOME_OUTPUT_CODE,
  OUTCOME_SYSTEM,
  OUTPUT_TYPE_SYSTEM,
  PATIENT_KEY_SYSTEM,
  REASON_SYSTEM,
  SNOMED_CT,
  SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
  TASK_CODE_SYSTEM,
} from './fhir.constants';
import type { Coding, Meta, Reference, Resource, ServiceRequest, Task, TaskOutput } from './fhir.types';
import { activityOutputs, patientReference } from './outputs/procedure';
import { patientDemographics } from './patient/patient-resource';

/**
 * The referral model -> FHIR R4. One referral is one ServiceRequest (what is asked; patient and
 * consent contained) and one Task (its tracking status) with the same id and version.
 * The Task never carries the patient beyond a pseudonymous logical reference.
 */

export function weakEtag(version: number): string {
  return `W/"${version}"`;
}

function meta(doc: Pick<ReferralDocument, 'version' | 'updatedAt'>): Meta {
  return { versionId: String(doc.version), lastUpdated: doc.updatedAt.toISOString() };
}

function needCoding(code: string): Coding {
  return (NEED_CODES as readonly string[]).includes(code)
    ? { system: NEED_SYSTEM, code }
    : { system: SNOMED_CT, code };
}

/** ServiceRequest.status for the referral's Task status. */
export function requestStatus(status: TaskStatus): string {
  switch (status) {
    case 'draft':
      return 'draft';
    case 'on-hold':
      return 'on-hold';
    case 'completed':
      return 'completed';
    case 'rejected':
    case 'cancelled':
    case 'failed':
      return 'revoked';
    case 'entered-in-error':
      return 'entered-in-error';
    default:
      return 'active';
  }
}

function requester(doc: ReferralDocument): Reference {
  return { identifier: { system: ODS_CODE_SYSTEM, value: doc.requesterOdsCode } };
}

export function serviceReference(serviceId: string): Reference {
  return {
    reference: `HealthcareService/${serviceId}`,
    identifier: { system: DIRECTORY_SERVICE_SYSTEM, value: serviceId },
  };
}

export function organisationReference(organisationId: string): Reference {
  return { identifier: { system: ORGANISATION_ID_SYSTEM, value: organisationId } };
}

/** The Conditions sent as reasons at intake (Gravity), contained as #condition-<i>. */
function reasonConditions(doc: ReferralDocument): Resource[] {
  return (doc.reasons?.conditions ?? []).map(
    (code, i) =>
      ({
        resourceType: 'Condition',
        id: `condition-${i}`,
        code: { coding: code.codings, ...(code.text !== undefined ? { text: code.text } : {}) },
        subject: { reference: '#patient' },
      }) as Resource,
  );
}

export function toServiceRequest(doc: ReferralDocument): ServiceRequest {
  const patient: Resource & Record<string, unknown> = {
    resourceType: 'Patient',
    id: 'patient',
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: doc.patient.nhsNumber }],
    name: [{ family: doc.patient.familyName, given: doc.patient.givenName.split(' ') }],
    birthDate: doc.patient.birthDate,
    ...patientDemographics(doc.patient),
  };
  const consent: Resource & Record<string, unknown> = {
    resourceType: 'Consent',
    id: 'consent',
    status: doc.consent.withdrawnAt ? 'inactive' : doc.consent.given ? 'active' : 'rejected',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: CONSENT_SCOPE_CODE }] },
    category: [{ coding: [{ system: CONSENT_SCOPE_SYSTEM, code: doc.consent.scope }] }],
    patient: { reference: '#patient' },
    dateTime: doc.consent.recordedAt.toISOString(),
    performer: [{ display: doc.consent.recordedBy }],
    // R4 ppc-1 (policy or policyRule): the patient opted in to sharing with the receiving service
    policyRule: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN', display: 'opt-in' },
      ],
    },
    ...(doc.consent.withdrawnAt
      ? { provision: { type: 'deny', period: { start: doc.consent.withdrawnAt.toISOString() } } }
      : {}),
  };
  return {
    resourceType: 'ServiceRequest',
    id: doc._id,
    meta: meta(doc),
    contained: [patient, consent, ...reasonConditions(doc)],
    ...(doc.identifiers && doc.identifiers.length > 0 ? { identifier: doc.identifiers } : {}),
    ...(doc.parentReferralId ? { basedOn: [{ reference: `ServiceRequest/${doc.parentReferralId}` }] } : {}),
    ...(doc.reroutedFromReferralId
      ? { replaces: [{ reference: `ServiceRequest/${doc.reroutedFromReferralId}` }] }
      : {}),
    status: requestStatus(doc.status),
    intent: 'order',
    priority: doc.priority,
    code: {
      coding: [
        {
          system: SNOMED_CT,
          code: SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
          display: 'Referral to social prescribing service',
        },
      ],
    },
    ...(doc.doNotContact
      ? {
          orderDetail: [
            {
              coding: [
                {
                  system: ORDER_DETAIL_SYSTEM,
                  code: DO_NOT_CONTACT_CODE,
                  display: 'Do not contact the patient',
                },
              ],
            },
          ],
        }
      : {}),
    subject: { reference: '#patient' },
    authoredOn: doc.createdAt.toISOString(),
    requester: requester(doc),
    ...(doc.targetServiceId ? { performer: [serviceReference(doc.targetServiceId)] } : {}),
    reasonCode: doc.needs.map((code) => ({ coding: [needCoding(code)] })),
    ...(doc.reasons && doc.reasons.conditions.length > 0
      ? { reasonReference: doc.reasons.conditions.map((_, i) => ({ reference: `#condition-${i}` })) }
      : {}),
    supportingInfo: [{ reference: '#consent' }],
    ...(doc.note ? { note: [{ text: doc.note }] } : {}),
  } as ServiceRequest;
}

function outputType(code: string): { coding: Coding[] } {
  return { coding: [{ system: OUTPUT_TYPE_SYSTEM, code }] };
}

function ons4Outputs(scores: Ons4 | undefined, occasion: 'baseline' | 'follow-up'): TaskOutput[] {
  if (!scores) return [];
  return ONS4_ITEMS.map((item) => ({
    type: outputType(ons4OutputCode(item, occasion)),
    valueInteger: scores[item],
  }));
}

function outcomeCoding(code: string): Coding {
  return /^\d{6,18}$/.test(code) ? { system: SNOMED_CT, code } : { system: OUTCOME_SYSTEM, code };
}

/** Task.output: coded outcome (one output per code), its note, and ONS4 scores at baseline and follow-up. */
export function taskOutputs(doc: Pick<ReferralDocument, 'outcome' | 'wellbeing'>): TaskOutput[] {
  return [
    ...(doc.outcome?.codes ?? []).map((code) => ({
      type: outputType(OUTCOME_OUTPUT_CODE),
      valueCodeableConcept: { coding: [outcomeCoding(code)] },
    })),
    ...(doc.outcome?.note
      ? [{ type: outputType(OUTCOME_NOTE_OUTPUT_CODE), valueString: doc.outcome.note }]
      : []),
    ...ons4Outputs(doc.wellbeing?.baseline, 'baseline'),
    ...ons4Outputs(doc.wellbeing?.followUp, 'follow-up'),
  ];
}

export function toTask(doc: ReferralDocument): Task {
  // Resulting activities (Gravity): Procedures contained and referenced from Task.output.
  const activities = activityOutputs(doc);
  const outputs = [...taskOutputs(doc), ...activities.outputs];
  return {
    resourceType: 'Task',
    id: doc._id,
    meta: meta(doc),
    ...(activities.contained.length > 0 ? { contained: activities.contained } : {}),
    ...(doc.parentReferralId ? { partOf: [{ reference: `Task/${doc.parentReferralId}` }] } : {}),
    status: doc.status,
    ...(doc.statusReason
      ? {
          statusReason: {
            coding: [{ system: REASON_SYSTEM, code: doc.statusReason.code }],
            ...(doc.statusReason.text ? { text: doc.statusReason.text } : {}),
          },
        }
      : {}),
    intent: 'order',
    priority: doc.priority,
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'fulfill' }] },
    focus: { reference: `ServiceRequest/${doc._id}` },
    // Pseudonymous: the Patient's logical id is the patient key (GET /fhir/Patient/<key>, audited).
    for: { ...patientReference(doc), identifier: { system: PATIENT_KEY_SYSTEM, value: doc.patientKey } },
    authoredOn: doc.createdAt.toISOString(),
    lastModified: doc.updatedAt.toISOString(),
    requester: requester(doc),
    ...(doc.ownerOrganisationId ? { owner: organisationReference(doc.ownerOrganisationId) } : {}),
    ...(outputs.length > 0 ? { output: outputs } : {}),
  };
}

/**
 * The Task as it was at one version of the history: status, reason and time from the history
 * entry; owner absent before a claim; outputs only on the current version (the model keeps the
 * latest outcome, not each earlier one).
 */
export function taskAtVersion(doc: ReferralDocument, entry: ReferralHistoryEntry): Task {
  const current = toTask(doc);
  if (entry.version === doc.version) return current;
  const claimedAt = doc.history.find((h) => h.action === 'claimed')?.version;
  const ownerKnown =
    doc.ownerOrganisationId !== undefined && (claimedAt === undefined || entry.version >= claimedAt);
  const { owner, output, statusReason, contained, ...rest } = current;
  void output;
  void statusReason;
  void contained;
  return {
    ...rest,
    meta: { versionId: String(entry.version), lastUpdated: entry.at.toISOString() },
    status: entry.to,
    ...(entry.reason
      ? {
          statusReason: {
            coding: [{ system: REASON_SYSTEM, code: entry.reason.code }],
            ...(entry.reason.text ? { text: entry.reason.text } : {}),
          },
        }
      : {}),
    lastModified: entry.at.toISOString(),
    ...(ownerKnown && owner ? { owner } : {}),
  };
}
