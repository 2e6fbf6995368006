// The patients of the analytics evidence end-to-end test, with known demographics, their wellbeing
// scores, and their referrals as a clinical system sends them (JSON and a FHIR transaction Bundle).
import { nhsNumber } from './scale-out';

/** A patient of the run: identifiers (never to leave referrals) and demographics. */
export interface Patient {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: 'female' | 'male';
  postcode?: string;
  ethnicCategory?: string;
}

/** Born on 1 January `age` years before this year: `age` or `age - 1` on any day of the year. */
export function bornAbout(age: number): string {
  return `${new Date().getUTCFullYear() - age}-01-01`;
}

const consent = () => ({
  given: true,
  recordedBy: 'Dr Jones',
  recordedAt: new Date(Date.now() - 60_000).toISOString(),
  scope: 'share-with-receiving-service',
});

/** Body of POST /v1/referrals. */
export function jsonReferral(patient: Patient, odsCode: string, serviceId: string, need: string): unknown {
  return {
    patient,
    requesterOdsCode: odsCode,
    targetServiceId: serviceId,
    needs: [need],
    priority: 'routine',
    consent: consent(),
  };
}

const FHIR_ID = 'https://fhir.nhs.uk/Id';
const CODES = 'https://socialprescribing.example.org/CodeSystem';
const SNOMED = 'http://snomed.info/sct';

/** A transaction Bundle (POST /fhir) as a clinical system sends a referral, with demographics. */
export function fhirReferral(
  patient: Patient,
  odsCode: string,
  serviceId: string,
  identifier: string,
): unknown {
  const urls = ['patient', 'request', 'task', 'consent'].map(
    (_, i) => `urn:uuid:6f1b2a4e-0000-4000-8000-00000000000${i + 1}`,
  );
  const [patientUrl, requestUrl, , consentUrl] = urls as [string, string, string, string];
  const ods = { identifier: { system: `${FHIR_ID}/ods-organization-code`, value: odsCode } };
  const resources: Array<Record<string, unknown>> = [
    {
      resourceType: 'Patient',
      identifier: [{ system: `${FHIR_ID}/nhs-number`, value: patient.nhsNumber }],
      name: [{ use: 'official', family: patient.familyName, given: [patient.givenName] }],
      gender: patient.sex,
      birthDate: patient.birthDate,
      ...(patient.postcode ? { address: [{ use: 'home', postalCode: patient.postcode }] } : {}),
      ...(patient.ethnicCategory
        ? {
            extension: [
              {
                url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory',
                valueCodeableConcept: {
                  coding: [
                    {
                      system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland',
                      code: patient.ethnicCategory,
                    },
                  ],
                },
              },
            ],
          }
        : {}),
    },
    {
      resourceType: 'ServiceRequest',
      identifier: [{ system: 'https://gp.example/referrals', value: identifier }],
      status: 'active',
      intent: 'order',
      category: [{ coding: [{ system: SNOMED, code: '410606002', display: 'Social service procedure' }] }],
      priority: 'routine',
      code: { coding: [{ system: SNOMED, code: '871731000000106' }] },
      subject: { reference: patientUrl },
      requester: ods,
      performer: [{ reference: `HealthcareService/${serviceId}` }],
      reasonCode: [{ coding: [{ system: `${CODES}/need`, code: 'sp-need-loneliness' }] }],
      supportingInfo: [{ reference: consentUrl }],
    },
    {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
      focus: { reference: requestUrl },
      for: { reference: patientUrl },
      requester: ods,
    },
    {
      resourceType: 'Consent',
      status: 'active',
      scope: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
      },
      category: [{ coding: [{ system: `${CODES}/consent-scope`, code: 'share-with-receiving-service' }] }],
      patient: { reference: patientUrl },
      dateTime: new Date(Date.now() - 60_000).toISOString(),
      performer: [ods],
      policy: [{ uri: 'https://www.nhs.uk/your-nhs-data-matters/' }],
    },
  ];
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource, i) => ({
      fullUrl: urls[i],
      resource,
      request: { method: 'POST', url: resource['resourceType'] },
    })),
  };
}

const person = (
  n: number,
  given: string,
  family: string,
  rest: Omit<Patient, 'nhsNumber' | 'givenName' | 'familyName'>,
) => ({ nhsNumber: nhsNumber(7000 + n), givenName: given, familyName: family, ...rest }) satisfies Patient;
// Ages 30, 50, 70 (or a year less): the bands 25-34, 45-54, 65-74 whichever day the test runs.
// Postcodes with fixed deciles in the deprivation sample (infra/local/data/deprivation/README.md).
export const PATIENTS = {
  p1: person(1, 'Orla', 'Quennell', {
    birthDate: bornAbout(30),
    sex: 'female',
    postcode: 'TS1 1AA',
    ethnicCategory: 'A',
  }),
  p2: person(2, 'Maisie', 'Ferrand', {
    birthDate: bornAbout(30),
    sex: 'female',
    postcode: 'TS1 3BA',
    ethnicCategory: 'A',
  }),
  p3: person(3, 'Tobias', 'Wrenfield', {
    birthDate: bornAbout(50),
    sex: 'male',
    postcode: 'TS18 2AA',
    ethnicCategory: 'H',
  }),
  p4: person(4, 'Cyril', 'Ashdown', { birthDate: bornAbout(70), sex: 'male', postcode: 'TS8 9AA' }),
  p5: person(5, 'Winifred', 'Baxendale', {
    birthDate: bornAbout(70),
    sex: 'female',
    postcode: 'TS9 5AA',
    ethnicCategory: 'Z',
  }),
  p6: person(6, 'Imogen', 'Treharne', {
    birthDate: bornAbout(50),
    sex: 'female',
    postcode: 'TS18 1AA',
    ethnicCategory: 'N',
  }),
  p7: person(7, 'Kwame', 'Ollerton', { birthDate: bornAbout(30), sex: 'male', ethnicCategory: 'B' }),
  refused: person(8, 'Delphine', 'Marchbank', {
    birthDate: bornAbout(30),
    sex: 'female',
    postcode: 'SW1A 1AA',
    ethnicCategory: 'C',
  }),
};
export type Who = keyof typeof PATIENTS;
export const ONS4 = {
  b1: { lifeSatisfaction: 4, worthwhile: 5, happiness: 4, anxiety: 7 },
  f1: { lifeSatisfaction: 7, worthwhile: 7, happiness: 6, anxiety: 3 },
  b2: { lifeSatisfaction: 5, worthwhile: 5, happiness: 5, anxiety: 5 },
  f2: { lifeSatisfaction: 6, worthwhile: 8, happiness: 5, anxiety: 4 },
  b3: { lifeSatisfaction: 6, worthwhile: 6, happiness: 6, anxiety: 6 },
};
