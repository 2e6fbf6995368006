/** FHIR payloads and referral documents for the FHIR API tests. */
import type { ReferralDocument } from '../src/referrals/referral.entity';
import {
  CONSENT_SCOPE_CODE,
  CONSENT_SCOPE_SYSTEM,
  DO_NOT_CONTACT_CODE,
  NEED_SYSTEM,
  NHS_NUMBER_SYSTEM,
  ODS_CODE_SYSTEM,
  ORDER_DETAIL_SYSTEM,
  SNOMED_CT,
  TASK_CODE_SYSTEM,
} from '../src/fhir/fhir.constants';

export const PATIENT_URL = 'urn:uuid:6f1b2a4e-0000-4000-8000-000000000001';
export const REQUEST_URL = 'urn:uuid:6f1b2a4e-0000-4000-8000-000000000002';
export const TASK_URL = 'urn:uuid:6f1b2a4e-0000-4000-8000-000000000003';
export const CONSENT_URL = 'urn:uuid:6f1b2a4e-0000-4000-8000-000000000004';
export const CONDITION_URL = 'urn:uuid:6f1b2a4e-0000-4000-8000-000000000005';
export const GOAL_URL = 'urn:uuid:6f1b2a4e-0000-4000-8000-000000000006';

export const SDOHCC = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
export const NHS_VERIFICATION_EXTENSION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus';
export const NHS_VERIFICATION_SYSTEM =
  'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland';

export interface SdohOptions {
  nhsNumber?: string;
  odsCode?: string;
  /** null: an open referral. */
  serviceId?: string | null;
  identifier?: string;
  /** Condition.code (SNOMED CT), default 422650009 |Social isolation|. */
  conditionCode?: { code: string; display: string };
  /** ServiceRequest.category SDOHCC code, default social-connection; null for none. */
  category?: string | null;
  consentAt?: string;
}

/**
 * A transaction Bundle as the HL7 Gravity SDOH Clinical Care IG builds a referral, with UK
 * identifiers: the need is in a Condition (health concern) referenced from reasonReference, in an
 * SDOH category and in the SNOMED CT code, with no reasonCode; a Goal in supportingInfo; the
 * patient does not want to be contacted (SDOHCC contacting-subject-prohibited).
 */
export function gravitySdohBundle(opts: SdohOptions = {}): Json {
  const ods = opts.odsCode ?? 'A81001';
  const identifier = opts.identifier ?? 'sdoh-0001';
  const condition = opts.conditionCode ?? { code: '422650009', display: 'Social isolation' };
  const category = opts.category === undefined ? 'social-connection' : opts.category;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: PATIENT_URL,
        resource: {
          resourceType: 'Patient',
          identifier: [
            {
              extension: [
                {
                  url: NHS_VERIFICATION_EXTENSION,
                  valueCodeableConcept: {
                    coding: [
                      { system: NHS_VERIFICATION_SYSTEM, code: '01', display: 'Number present and verified' },
                    ],
                  },
                },
              ],
              system: NHS_NUMBER_SYSTEM,
              value: opts.nhsNumber ?? '9434765919',
            },
          ],
          name: [{ use: 'official', family: 'Smith', given: ['Jane'] }],
          gender: 'female',
          birthDate: '1950-04-02',
        },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        fullUrl: REQUEST_URL,
        resource: {
          resourceType: 'ServiceRequest',
          identifier: [{ system: 'https://gp.example/referrals', value: identifier }],
          status: 'active',
          intent: 'order',
          category: [
            { coding: [{ system: SNOMED_CT, code: '410606002', display: 'Social service procedure' }] },
            ...(category === null ? [] : [{ coding: [{ system: SDOHCC, code: category }] }]),
          ],
          priority: 'routine',
          code: {
            coding: [
              {
                system: SNOMED_CT,
                code: '871731000000106',
                display: 'Referral to social prescribing service',
              },
            ],
          },
          orderDetail: [{ coding: [{ system: SDOHCC, code: 'contacting-subject-prohibited' }] }],
          subject: { reference: PATIENT_URL },
          authoredOn: '2024-05-01T09:30:00Z',
          requester: { identifier: { system: ODS_CODE_SYSTEM, value: ods } },
          ...(opts.serviceId === null
            ? {}
            : { performer: [{ reference: `HealthcareService/${opts.serviceId ?? 'svc-walks'}` }] }),
          reasonReference: [{ reference: CONDITION_URL }],
          supportingInfo: [{ reference: CONSENT_URL }, { reference: GOAL_URL }],
        },
        request: { method: 'POST', url: 'ServiceRequest' },
      },
      {
        fullUrl: CONDITION_URL,
        resource: {
          resourceType: 'Condition',
          clinicalStatus: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
          },
          verificationStatus: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' },
            ],
          },
          // Gravity's health concern is US Core's condition category (the IG's aliases.fsh).
          category: [
            {
              coding: [
                {
                  system: 'http://hl7.org/fhir/us/core/CodeSystem/condition-category',
                  code: 'health-concern',
                },
              ],
            },
            ...(category === null ? [] : [{ coding: [{ system: SDOHCC, code: category }] }]),
          ],
          code: { coding: [{ system: SNOMED_CT, ...condition }] },
          subject: { reference: PATIENT_URL },
          onsetDateTime: '2024-04-01',
        },
        request: { method: 'POST', url: 'Condition' },
      },
      {
        fullUrl: GOAL_URL,
        resource: {
          resourceType: 'Goal',
          lifecycleStatus: 'active',
          ...(category === null ? {} : { category: [{ coding: [{ system: SDOHCC, code: category }] }] }),
          description: { text: 'Meets friends every week' },
          subject: { reference: PATIENT_URL },
          addresses: [{ reference: CONDITION_URL }],
        },
        request: { method: 'POST', url: 'Goal' },
      },
      {
        fullUrl: TASK_URL,
        resource: {
          resourceType: 'Task',
          status: 'requested',
          intent: 'order',
          code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'fulfill' }] },
          focus: { reference: REQUEST_URL },
          for: { reference: PATIENT_URL },
          authoredOn: '2024-05-01T09:30:00Z',
          requester: { identifier: { system: ODS_CODE_SYSTEM, value: ods } },
        },
        request: { method: 'POST', url: 'Task' },
      },
      {
        fullUrl: CONSENT_URL,
        resource: {
          resourceType: 'Consent',
          status: 'active',
          scope: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
            ],
          },
          category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
          patient: { reference: PATIENT_URL },
          dateTime: opts.consentAt ?? '2024-05-01T09:30:00Z',
          performer: [{ identifier: { system: ODS_CODE_SYSTEM, value: ods } }],
          policy: [{ uri: 'https://www.nhs.uk/your-nhs-data-matters/' }],
        },
        request: { method: 'POST', url: 'Consent' },
      },
    ],
  };
}

export interface GravityOptions {
  nhsNumber?: string;
  odsCode?: string;
  serviceId?: string | null;
  needs?: string[];
  identifier?: string;
  ifNoneExist?: boolean;
}

// Test payloads are edited freely by each test, as a client would build them.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A transaction Bundle shaped as the HL7 Gravity closed-loop referral workflow posts it. */
export function gravityBundle(opts: GravityOptions = {}): Json {
  const identifier = opts.identifier ?? 'ref-0001';
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: PATIENT_URL,
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: NHS_NUMBER_SYSTEM, value: opts.nhsNumber ?? '9434765919' }],
          name: [{ use: 'official', family: 'Smith', given: ['Jane'] }],
          birthDate: '1950-04-02',
        },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        fullUrl: REQUEST_URL,
        resource: {
          resourceType: 'ServiceRequest',
          identifier: [{ system: 'https://gp.example/referrals', value: identifier }],
          status: 'active',
          intent: 'order',
          category: [
            { coding: [{ system: SNOMED_CT, code: '410606002', display: 'Social service procedure' }] },
          ],
          priority: 'routine',
          code: {
            coding: [
              {
                system: SNOMED_CT,
                code: '871731000000106',
                display: 'Referral to social prescribing service',
              },
            ],
          },
          orderDetail: [{ coding: [{ system: ORDER_DETAIL_SYSTEM, code: DO_NOT_CONTACT_CODE }] }],
          subject: { reference: PATIENT_URL },
          requester: { identifier: { system: ODS_CODE_SYSTEM, value: opts.odsCode ?? 'A81001' } },
          ...(opts.serviceId === null
            ? {}
            : { performer: [{ reference: `HealthcareService/${opts.serviceId ?? 'svc-walks'}` }] }),
          reasonCode: (opts.needs ?? ['sp-need-loneliness', '422650009']).map((code) => ({
            coding: [{ system: /^\d+$/.test(code) ? SNOMED_CT : NEED_SYSTEM, code }],
          })),
          supportingInfo: [{ reference: CONSENT_URL }],
          note: [{ text: 'Lives alone since bereavement' }],
        },
        request: {
          method: 'POST',
          url: 'ServiceRequest',
          ...(opts.ifNoneExist
            ? { ifNoneExist: `identifier=https://gp.example/referrals|${identifier}` }
            : {}),
        },
      },
      {
        fullUrl: TASK_URL,
        resource: {
          resourceType: 'Task',
          status: 'requested',
          intent: 'order',
          code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'fulfill' }] },
          focus: { reference: REQUEST_URL },
          for: { reference: PATIENT_URL },
          requester: { identifier: { system: ODS_CODE_SYSTEM, value: opts.odsCode ?? 'A81001' } },
        },
        request: { method: 'POST', url: 'Task' },
      },
      {
        fullUrl: CONSENT_URL,
        resource: {
          resourceType: 'Consent',
          status: 'active',
          scope: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
            ],
          },
          category: [{ coding: [{ system: CONSENT_SCOPE_SYSTEM, code: CONSENT_SCOPE_CODE }] }],
          patient: { reference: PATIENT_URL },
          dateTime: '2024-05-01T09:30:00Z',
          performer: [{ identifier: { system: ODS_CODE_SYSTEM, value: opts.odsCode ?? 'A81001' } }],
          policy: [{ uri: 'https://www.nhs.uk/your-nhs-data-matters/' }],
        },
        request: { method: 'POST', url: 'Consent' },
      },
    ],
  };
}

/** POST /fhir/ServiceRequest body: patient and consent contained. */
export function containedServiceRequest(opts: { nhsNumber?: string; byIdentifier?: boolean } = {}): Json {
  const nhsNumber = opts.nhsNumber ?? '9434765919';
  return {
    resourceType: 'ServiceRequest',
    contained: [
      {
        resourceType: 'Patient',
        id: 'patient',
        identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber }],
        name: [{ family: 'Smith', given: ['Jane', 'Ann'] }],
        birthDate: '1950-04-02',
      },
      {
        resourceType: 'Consent',
        id: 'consent',
        status: 'active',
        scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: CONSENT_SCOPE_CODE }] },
        category: [{ coding: [{ system: CONSENT_SCOPE_SYSTEM, code: CONSENT_SCOPE_CODE }] }],
        patient: { reference: '#patient' },
        dateTime: '2024-05-01T09:30:00Z',
        performer: [{ display: 'Dr A Jones' }],
        policy: [{ uri: 'https://www.nhs.uk/your-nhs-data-matters/' }],
      },
    ],
    status: 'active',
    intent: 'order',
    priority: 'urgent',
    subject: opts.byIdentifier
      ? { identifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } }
      : { reference: '#patient' },
    requester: { identifier: { system: ODS_CODE_SYSTEM, value: 'A81001' } },
    performer: [{ reference: 'HealthcareService/svc-walks' }],
    reasonCode: [{ coding: [{ system: NEED_SYSTEM, code: 'sp-need-debt' }] }],
    supportingInfo: [{ reference: '#consent' }],
  };
}

/** A stored referral as ReferralOperations returns it. */
export function referralDoc(overrides: Partial<ReferralDocument> = {}): ReferralDocument {
  const at = new Date('2024-05-01T10:00:00Z');
  return {
    _id: 'ref-1',
    status: 'requested',
    version: 1,
    requesterOrganisationId: 'org-practice',
    requesterOdsCode: 'A81001',
    requesterClientId: 'client-gp',
    targetServiceId: 'svc-walks',
    ownerOrganisationId: 'org-vcs',
    childReferralIds: [],
    needs: ['sp-need-loneliness', '422650009'],
    priority: 'routine',
    patient: { nhsNumber: '9434765919', givenName: 'Jane', familyName: 'Smith', birthDate: '1950-04-02' },
    patientKey: 'a'.repeat(64),
    consent: {
      given: true,
      recordedBy: 'A81001',
      recordedAt: new Date('2024-05-01T09:30:00Z'),
      scope: 'share-with-receiving-service',
    },
    doNotContact: true,
    note: 'Lives alone since bereavement',
    respondBy: new Date('2024-05-15T10:00:00Z'),
    remindAt: new Date('2024-05-12T10:00:00Z'),
    requestFingerprint: 'f'.repeat(64),
    createdAt: at,
    updatedAt: at,
    history: [
      {
        version: 1,
        at,
        by: { clientId: 'client-gp', organisationId: 'org-practice', role: 'referrer' },
        action: 'submitted',
        from: null,
        to: 'requested',
      },
    ],
    outbox: [],
    ...overrides,
  };
}
