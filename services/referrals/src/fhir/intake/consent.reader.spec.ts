import { FieldExpressions } from '../field-expressions';
import { CONSENT_SCOPE_CODE } from '../fhir.constants';
import { Problems, type Json } from '../fhir-json';
import { readConsent } from './consent.reader';
import type { Located, Scope } from './references';

const path = 'Bundle.entry[3].resource';
const patient: Located = { resource: { resourceType: 'Patient' }, path: 'Bundle.entry[0].resource' };
const scope: Scope = { resolve: (r) => (r === 'urn:p' ? patient : undefined), patients: [patient] };
const consent = (more: Json = {}): Json => ({
  resourceType: 'Consent',
  status: 'active',
  scope: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
  },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
  patient: { reference: 'urn:p' },
  dateTime: '2024-05-01',
  performer: [{ display: 'Dr A Jones' }],
  ...more,
});

function read(resource: Json) {
  const problems = new Problems();
  const facts = readConsent({ resource, path }, patient, scope, problems, new FieldExpressions(path));
  return { facts, problems: problems.list.map((p) => p.field) };
}

describe('Consent reader', () => {
  it('reads an active consent: who recorded it and when (a date is midnight UTC)', () => {
    expect(read(consent())).toEqual({
      facts: {
        given: true,
        recordedBy: 'Dr A Jones',
        recordedAt: '2024-05-01T00:00:00Z',
        scope: CONSENT_SCOPE_CODE,
      },
      problems: [],
    });
  });

  it('reads a deny provision or an inactive status as consent not given', () => {
    expect(read(consent({ provision: { type: 'deny' } })).facts.given).toBe(false);
    expect(read(consent({ status: 'inactive' })).facts.given).toBe(false);
  });

  it('names every missing or malformed element', () => {
    const { problems } = read(
      consent({
        status: undefined,
        dateTime: 'yesterday',
        performer: [],
        scope: {},
        category: [],
        patient: { reference: 'urn:q' },
      }),
    );
    expect(problems.sort()).toEqual(
      [
        `${path}.category`,
        `${path}.dateTime`,
        `${path}.patient.reference`,
        `${path}.performer`,
        `${path}.scope`,
        `${path}.status`,
      ].sort(),
    );
  });
});
