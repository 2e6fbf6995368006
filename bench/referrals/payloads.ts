// Request bodies of the referrals benchmark: valid JSON intake, a Gravity-shaped FHIR transaction
// Bundle and a single FHIR ServiceRequest, each for a new patient with a valid NHS number.

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const ODS_CODE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const DIRECTORY_SERVICE_SYSTEM = 'https://socialprescribing.example.org/Id/service';
const NEED_SYSTEM = 'https://socialprescribing.example.org/CodeSystem/need';
const CONSENT_SCOPE_SYSTEM = 'https://socialprescribing.example.org/CodeSystem/consent-scope';
const SNOMED_CT = 'http://snomed.info/sct';
const TASK_CODE_SYSTEM = 'http://hl7.org/fhir/CodeSystem/task-code';
/** Business identifier system of the benchmark's ServiceRequests (conditional create). */
const BENCH_REQUEST_SYSTEM = 'https://bench.example.org/Id/referral';

/** Modulus 11 check digit over the first nine digits; undefined when the number is impossible (10). */
export function nhsCheckDigit(nine: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(nine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? undefined : check;
}

/** Distinct valid NHS numbers (999 000 000 0 upwards, the test range), one per call. */
export class NhsNumbers {
  private next: number;
  constructor(start = 0) {
    this.next = 990_000_000 + start;
  }
  take(): string {
    for (;;) {
      const nine = String(this.next);
      this.next += 1;
      const check = nhsCheckDigit(nine);
      if (check !== undefined) return `${nine}${check}`;
    }
  }
}

export interface BenchTarget {
  odsCode: string;
  serviceId: string;
}

const GIVEN = ['Alex', 'Sam', 'Jo', 'Chris', 'Pat', 'Robin', 'Morgan', 'Jamie'];
const FAMILY = ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Thomas', 'Roberts'];

function person(seq: number): { givenName: string; familyName: string; birthDate: string } {
  const year = 1940 + (seq % 60);
  const month = String(1 + (seq % 12)).padStart(2, '0');
  const day = String(1 + (seq % 28)).padStart(2, '0');
  return {
    givenName: GIVEN[seq % GIVEN.length] as string,
    familyName: FAMILY[(seq >> 3) % FAMILY.length] as string,
    birthDate: `${year}-${month}-${day}`,
  };
}

/** POST /v1/referrals body. */
export function jsonReferral(target: BenchTarget, nhsNumber: string, seq: number, consentAt: string): string {
  const p = person(seq);
  return JSON.stringify({
    patient: { nhsNumber, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate },
    requesterOdsCode: target.odsCode,
    targetServiceId: target.serviceId,
    needs: ['sp-need-loneliness', 'sp-need-physical-activity'],
    priority: 'routine',
    consent: {
      given: true,
      recordedBy: 'Dr Bench',
      recordedAt: consentAt,
      scope: 'share-with-receiving-service',
    },
  });
}

function patientResource(nhsNumber: string, seq: number, id?: string): Record<string, unknown> {
  const p = person(seq);
  return {
    resourceType: 'Patient',
    ...(id ? { id } : {}),
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber }],
    name: [{ use: 'official', family: p.familyName, given: [p.givenName] }],
    birthDate: p.birthDate,
  };
}

function consentResource(patientRef: string, consentAt: string, id?: string): Record<string, unknown> {
  return {
    resourceType: 'Consent',
    ...(id ? { id } : {}),
    status: 'active',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'share-with-receiving-service' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: patientRef },
    dateTime: consentAt,
    performer: [{ display: 'Dr Bench' }],
    provision: { type: 'permit' },
  };
}

function serviceRequestFields(target: BenchTarget, identifier: string): Record<string, unknown> {
  return {
    identifier: [{ system: BENCH_REQUEST_SYSTEM, value: identifier }],
    status: 'active',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: SNOMED_CT, code: '871731000000106' }] },
    requester: { identifier: { system: ODS_CODE_SYSTEM, value: target.odsCode } },
    performer: [{ identifier: { system: DIRECTORY_SERVICE_SYSTEM, value: target.serviceId } }],
    reasonCode: [
      { coding: [{ system: NEED_SYSTEM, code: 'sp-need-loneliness' }] },
      { coding: [{ system: NEED_SYSTEM, code: 'sp-need-physical-activity' }] },
    ],
  };
}

/**
 * POST /fhir: a transaction Bundle as the HL7 Gravity closed-loop referral workflow posts it
 * (Patient + ServiceRequest + Consent + Task, referencing each other by urn:uuid fullUrls), with a
 * conditional create on the ServiceRequest's business identifier (FHIR's idempotency).
 */
export function fhirTransaction(
  target: BenchTarget,
  nhsNumber: string,
  seq: number,
  consentAt: string,
  identifier: string,
): string {
  const urn = (kind: string) => `urn:uuid:${kind}-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  const patient = urn('00000001');
  const request = urn('00000002');
  const consent = urn('00000003');
  const task = urn('00000004');
  return JSON.stringify({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: patient,
        resource: patientResource(nhsNumber, seq),
        request: { method: 'POST', url: 'Patient' },
      },
      {
        fullUrl: request,
        resource: {
          resourceType: 'ServiceRequest',
          ...serviceRequestFields(target, identifier),
          subject: { reference: patient },
          supportingInfo: [{ reference: consent }],
        },
        request: {
          method: 'POST',
          url: 'ServiceRequest',
          ifNoneExist: `identifier=${BENCH_REQUEST_SYSTEM}|${identifier}`,
        },
      },
      {
        fullUrl: consent,
        resource: consentResource(patient, consentAt),
        request: { method: 'POST', url: 'Consent' },
      },
      {
        fullUrl: task,
        resource: {
          resourceType: 'Task',
          status: 'requested',
          intent: 'order',
          code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'fulfill' }] },
          focus: { reference: request },
          for: { reference: patient },
        },
        request: { method: 'POST', url: 'Task' },
      },
    ],
  });
}

/** POST /fhir/ServiceRequest: patient and consent contained. Send with If-None-Exist. */
export function fhirServiceRequest(
  target: BenchTarget,
  nhsNumber: string,
  seq: number,
  consentAt: string,
  identifier: string,
): string {
  return JSON.stringify({
    resourceType: 'ServiceRequest',
    contained: [
      patientResource(nhsNumber, seq, 'patient'),
      consentResource('#patient', consentAt, 'consent'),
    ],
    ...serviceRequestFields(target, identifier),
    subject: { reference: '#patient' },
    supportingInfo: [{ reference: '#consent' }],
  });
}

export function ifNoneExist(identifier: string): string {
  return `identifier=${BENCH_REQUEST_SYSTEM}|${identifier}`;
}
