/**
 * Systems, codes and media types of the FHIR R4 API. Our own code systems are published under
 * CODE_SYSTEM_BASE; the URLs are identifiers (they need not resolve) and are part of the API
 * contract, so they never change once published.
 */

export const FHIR_VERSION = '4.0.1';
export const FHIR_JSON = 'application/fhir+json';
export const JSON_PATCH = 'application/json-patch+json';

/** NHS England identifier systems. */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_CODE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** UK Core: the patient's ethnic category (Patient.extension), coded from the England code system. */
export const ETHNIC_CATEGORY_EXTENSION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory';
export const ETHNIC_CATEGORY_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland';

export const SNOMED_CT = 'http://snomed.info/sct';
/** SNOMED CT 871731000000106 |Referral to social prescribing service|. */
export const SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING = '871731000000106';

const CODE_SYSTEM_BASE = 'https://socialprescribing.example.org/CodeSystem';

/** Our need taxonomy (published with the need mapping in @sp/contracts), in ServiceRequest.reasonCode. */
export { NEED_SYSTEM } from '@sp/contracts';
/** Reasons for rejected, cancelled, on-hold and failed (REFERRAL_REASON_CODES), in Task.statusReason. */
export const REASON_SYSTEM = `${CODE_SYSTEM_BASE}/referral-status-reason`;
/** Coded outcomes in Task.output (what was done), and the output types below. */
export const OUTCOME_SYSTEM = `${CODE_SYSTEM_BASE}/referral-outcome`;
/** Task.output.type codes of our own. */
export const OUTPUT_TYPE_SYSTEM = `${CODE_SYSTEM_BASE}/task-output-type`;
/** ServiceRequest.orderDetail coding: do not contact the patient (every message to them is suppressed). */
export const ORDER_DETAIL_SYSTEM = `${CODE_SYSTEM_BASE}/order-detail`;
export const DO_NOT_CONTACT_CODE = 'do-not-contact';
/** Consent.scope / Consent.category used for "share with the receiving service". */
export const CONSENT_SCOPE_SYSTEM = `${CODE_SYSTEM_BASE}/consent-scope`;
export const CONSENT_SCOPE_CODE = 'share-with-receiving-service';
/** Identifier system of directory service ids (HealthcareService.identifier). */
export const DIRECTORY_SERVICE_SYSTEM = 'https://socialprescribing.example.org/Id/service';
/** Identifier system of platform organisation ids (when an organisation has no ODS code). */
export const ORGANISATION_ID_SYSTEM = 'https://socialprescribing.example.org/Id/organisation';
/** Identifier system of a person: their subject (`sub`) at their organisation's identity provider. */
export const PERSON_SUB_SYSTEM = 'https://socialprescribing.example.org/Id/person-sub';

/** ONS4 items as Task.output.type codes (valueInteger 0-10), with a suffix per occasion. */
export const ONS4_ITEMS = ['lifeSatisfaction', 'worthwhile', 'happiness', 'anxiety'] as const;
export const ONS4_OCCASIONS = { baseline: 'baseline', followUp: 'follow-up' } as const;
/** 'ons4-life-satisfaction-baseline' etc. */
export function ons4OutputCode(
  item: (typeof ONS4_ITEMS)[number],
  occasion: 'baseline' | 'follow-up',
): string {
  const kebab = item.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `ons4-${kebab}-${occasion}`;
}
/** Task.output.type code of the coded outcome (valueCodeableConcept). */
export const OUTCOME_OUTPUT_CODE = 'outcome';
/** Task.output.type code of the outcome note (valueString). */
export const OUTCOME_NOTE_OUTPUT_CODE = 'outcome-note';

/** Task.code: fulfil the focal request (http://hl7.org/fhir/CodeSystem/task-code). */
export const TASK_CODE_SYSTEM = 'http://hl7.org/fhir/CodeSystem/task-code';

/** Task.for: the pseudonymous patient key (HMAC of the NHS number), never the NHS number itself. */
export const PATIENT_KEY_SYSTEM = 'https://socialprescribing.example.org/Id/patient-key';
