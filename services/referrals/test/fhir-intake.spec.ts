import { ValidationError, type FieldProblem } from '@sp/errors';
import type { Actor } from '../src/domain/referral-intake.rules';
import {
  parseServiceRequest,
  parseTransaction,
  type ParsedIntake,
  type ParsedOnward,
} from '../src/fhir/referral-from-fhir';
import { idempotencyKeyFor } from '../src/fhir/if-none-exist';
import {
  CONDITION_URL,
  containedServiceRequest,
  GOAL_URL,
  gravityBundle,
  gravitySdohBundle,
  PATIENT_URL,
  SDOHCC,
} from './fhir-fixtures';
import { NEED_MAPPING_VERSION } from '@sp/contracts';
import { expectValidFhir } from '@sp/testing';

const gp: Actor = {
  clientId: 'client-gp',
  organisationId: 'org-practice',
  odsCode: 'A81001',
  role: 'referrer',
};
const now = new Date('2024-06-01T12:00:00Z');

function problemsOf(fn: () => unknown): FieldProblem[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

const fields = (problems: FieldProblem[]) => problems.map((p) => p.field).sort();

describe('FHIR transaction Bundle -> referral intake', () => {
  it('reads a Gravity-shaped Patient + ServiceRequest + Task + Consent, resolving urn:uuid references', () => {
    const parsed = parseTransaction(gravityBundle(), gp, undefined, now) as ParsedIntake;
    expect(parsed.kind).toBe('intake');
    expect(parsed.intake).toEqual({
      patient: { nhsNumber: '9434765919', givenName: 'Jane', familyName: 'Smith', birthDate: '1950-04-02' },
      requesterOdsCode: 'A81001',
      targetServiceId: 'svc-walks',
      needs: ['sp-need-loneliness', '422650009'],
      priority: 'routine',
      consent: {
        given: true,
        recordedBy: 'A81001',
        recordedAt: '2024-05-01T09:30:00Z',
        scope: 'share-with-receiving-service',
      },
      doNotContact: true,
      note: 'Lives alone since bereavement',
      identifiers: [{ system: 'https://gp.example/referrals', value: 'ref-0001' }],
    });
    expect(parsed.entries).toEqual({ patient: 0, serviceRequest: 1, task: 2, consent: 3 });
    expect(parsed.conditional).toBeUndefined();
  });

  it('makes an open referral when the ServiceRequest has no performer', () => {
    const parsed = parseTransaction(gravityBundle({ serviceId: null }), gp, undefined, now) as ParsedIntake;
    expect(parsed.intake.targetServiceId).toBeUndefined();
  });

  it('accepts the performer as a directory identifier', () => {
    const bundle = gravityBundle();
    bundle.entry[1].resource.performer = [
      { identifier: { system: 'https://socialprescribing.example.org/Id/service', value: 'svc-food' } },
    ];
    expect((parseTransaction(bundle, gp, undefined, now) as ParsedIntake).intake.targetServiceId).toBe(
      'svc-food',
    );
  });

  it('reads conditional create from request.ifNoneExist and maps it to a fhir: idempotency key', () => {
    const parsed = parseTransaction(gravityBundle({ ifNoneExist: true }), gp, undefined, now);
    expect(parsed.conditional?.query).toBe('identifier=https://gp.example/referrals|ref-0001');
    expect(idempotencyKeyFor(parsed.conditional!)).toBe(
      'fhir:identifier=https://gp.example/referrals|ref-0001',
    );
  });

  it('reads conditional create from the If-None-Exist header and adds its identifier to the referral', () => {
    const parsed = parseTransaction(
      gravityBundle(),
      gp,
      'identifier=https://other.example|x-9',
      now,
    ) as ParsedIntake;
    expect(parsed.conditional?.query).toBe('identifier=https://other.example|x-9');
    expect(parsed.intake.identifiers).toContainEqual({ system: 'https://other.example', value: 'x-9' });
  });

  it('refuses conditional queries other than identifier=system|value', () => {
    expect(problemsOf(() => parseTransaction(gravityBundle(), gp, 'name=smith', now))).toEqual([
      expect.objectContaining({ field: 'If-None-Exist', code: 'not-supported' }),
    ]);
    expect(
      fields(problemsOf(() => parseTransaction(gravityBundle(), gp, 'identifier=novalue', now))),
    ).toEqual(['If-None-Exist']);
  });

  it('names every failing field of the Bundle as FHIRPath, business rules included', () => {
    const bundle = gravityBundle({ nhsNumber: '9434765918', odsCode: 'B99999' });
    const sr = bundle.entry[1].resource;
    sr.priority = 'whenever';
    sr.reasonCode.push({ coding: [{ system: 'http://example.org/other', code: 'x' }] });
    sr.reasonCode[0].coding[0].code = 'sp-need-unknown';
    delete bundle.entry[0].resource.birthDate;
    bundle.entry[0].resource.name[0].given = [];
    bundle.entry[3].resource.status = 'rejected';
    delete bundle.entry[3].resource.dateTime;
    bundle.entry[2].resource.status = 'accepted';
    sr.subjct = { reference: PATIENT_URL };
    const problems = problemsOf(() => parseTransaction(bundle, gp, undefined, now));
    expect(fields(problems)).toEqual(
      [
        'Bundle.entry[0].resource.birthDate',
        'Bundle.entry[0].resource.identifier[0].value',
        'Bundle.entry[0].resource.name[0].given',
        'Bundle.entry[1].resource.priority',
        'Bundle.entry[1].resource.reasonCode[0].coding[0].code',
        'Bundle.entry[1].resource.reasonCode[2]',
        'Bundle.entry[1].resource.requester',
        'Bundle.entry[1].resource.subjct',
        'Bundle.entry[2].resource.status',
        'Bundle.entry[3].resource.dateTime',
        'Bundle.entry[3].resource.status',
      ].sort(),
    );
    expect(problems.find((p) => p.field.endsWith('identifier[0].value'))?.code).toBe('invalid_check_digit');
    expect(problems.find((p) => p.field === 'Bundle.entry[3].resource.status')?.code).toBe(
      'consent_required',
    );
    expect(problems.find((p) => p.field === 'Bundle.entry[1].resource.requester')?.code).toBe(
      'not_your_organisation',
    );
  });

  it('refuses references that do not resolve and a missing consent', () => {
    const bundle = gravityBundle();
    bundle.entry[1].resource.subject = { reference: 'urn:uuid:nobody' };
    bundle.entry[1].resource.supportingInfo = [];
    bundle.entry[2].resource.focus = { reference: 'urn:uuid:elsewhere' };
    const problems = problemsOf(() => parseTransaction(bundle, gp, undefined, now));
    expect(fields(problems)).toEqual(
      [
        'Bundle.entry[1].resource.subject.reference',
        'Bundle.entry[1].resource.supportingInfo',
        'Bundle.entry[2].resource.focus',
        'Bundle.entry[3].resource',
      ].sort(),
    );
  });

  it('refuses the wrong Bundle type, non-POST entries, unsupported resources and a wrong request.url', () => {
    const bundle = gravityBundle();
    bundle.type = 'batch';
    bundle.entry[0].request.method = 'PUT';
    bundle.entry[2].request.url = 'Tasks';
    bundle.entry.push({
      resource: { resourceType: 'Observation' },
      request: { method: 'POST', url: 'Observation' },
    });
    expect(fields(problemsOf(() => parseTransaction(bundle, gp, undefined, now)))).toEqual(
      [
        'Bundle.entry[0].request.method',
        'Bundle.entry[2].request.url',
        'Bundle.entry[4].resource.resourceType',
        'Bundle.type',
      ].sort(),
    );
    expect(
      fields(problemsOf(() => parseTransaction({ resourceType: 'Patient' }, gp, undefined, now))),
    ).toEqual(['Bundle']);
  });

  it('refuses modifier extensions and doNotPerform', () => {
    const bundle = gravityBundle();
    bundle.entry[1].resource.modifierExtension = [{ url: 'x' }];
    bundle.entry[1].resource.doNotPerform = true;
    expect(fields(problemsOf(() => parseTransaction(bundle, gp, undefined, now)))).toEqual([
      'Bundle.entry[1].resource.doNotPerform',
      'Bundle.entry[1].resource.modifierExtension',
    ]);
  });

  it('maps intake field names to the FHIRPath of the element the client sent', () => {
    const parsed = parseTransaction(gravityBundle(), gp, undefined, now);
    const x = parsed.expressions;
    expect(x.expressionFor('patient.nhsNumber')).toBe('Bundle.entry[0].resource.identifier[0].value');
    expect(x.expressionFor('patient.birthDate')).toBe('Bundle.entry[0].resource.birthDate');
    expect(x.expressionFor('requesterOdsCode')).toBe('Bundle.entry[1].resource.requester');
    expect(x.expressionFor('targetServiceId')).toBe('Bundle.entry[1].resource.performer');
    expect(x.expressionFor('needs[1]')).toBe('Bundle.entry[1].resource.reasonCode[1].coding[0].code');
    expect(x.expressionFor('consent.given')).toBe('Bundle.entry[3].resource.status');
    expect(x.expressionFor('consent.recordedAt')).toBe('Bundle.entry[3].resource.dateTime');
    expect(x.expressionFor('priority')).toBe('Bundle.entry[1].resource.priority');
    expect(x.expressionFor('Idempotency-Key')).toBe('Bundle.entry[1].resource');
  });
});

describe('FHIR onward referrals (ServiceRequest basedOn the parent, Task partOf its Task)', () => {
  const linkWorker: Actor = { clientId: 'lw', organisationId: 'org-lw', role: 'link-worker' };
  const onward = () => ({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: 'urn:uuid:sr-a',
        resource: {
          resourceType: 'ServiceRequest',
          status: 'active',
          intent: 'order',
          basedOn: [{ reference: 'ServiceRequest/parent-1' }],
          performer: [{ reference: 'HealthcareService/svc-food' }],
          reasonCode: [
            {
              coding: [
                { system: 'https://socialprescribing.example.org/CodeSystem/need', code: 'sp-need-food' },
              ],
            },
          ],
        },
        request: { method: 'POST', url: 'ServiceRequest', ifNoneExist: 'identifier=https://lw.example|on-1' },
      },
      {
        fullUrl: 'urn:uuid:task-a',
        resource: {
          resourceType: 'Task',
          status: 'requested',
          intent: 'order',
          focus: { reference: 'urn:uuid:sr-a' },
          partOf: [{ reference: 'Task/parent-1' }],
        },
        request: { method: 'POST', url: 'Task' },
      },
      {
        fullUrl: 'urn:uuid:sr-b',
        resource: {
          resourceType: 'ServiceRequest',
          status: 'active',
          intent: 'order',
          priority: 'urgent',
          basedOn: [{ reference: 'ServiceRequest/parent-1' }],
          performer: [{ reference: 'HealthcareService/svc-debt' }],
        },
        request: { method: 'POST', url: 'ServiceRequest' },
      },
    ],
  });

  it('reads each ServiceRequest as a target of createOnward', () => {
    const parsed = parseTransaction(onward(), linkWorker, undefined, now) as ParsedOnward;
    expect(parsed.kind).toBe('onward');
    expect(parsed.parentReferralId).toBe('parent-1');
    expect(parsed.targets).toEqual([
      {
        target: { targetServiceId: 'svc-food', needs: ['sp-need-food'] },
        entries: { serviceRequest: 0, task: 1 },
      },
      { target: { targetServiceId: 'svc-debt', priority: 'urgent' }, entries: { serviceRequest: 2 } },
    ]);
    expect(parsed.conditional?.query).toBe('identifier=https://lw.example|on-1');
    expect(parsed.expressions.expressionFor('targets[1].targetServiceId')).toBe(
      'Bundle.entry[2].resource.performer',
    );
  });

  it('reads a re-route from ServiceRequest.replaces', () => {
    const bundle = onward();
    bundle.entry = bundle.entry.slice(0, 2);
    (bundle.entry[0]!.resource as Record<string, unknown>).replaces = [
      { reference: 'ServiceRequest/child-rejected' },
    ];
    const parsed = parseTransaction(bundle, linkWorker, undefined, now) as ParsedOnward;
    expect(parsed.reroutedFromReferralId).toBe('child-rejected');
    expect(parsed.expressions.expressionFor('rejectedChildId')).toBe('Bundle.entry[0].resource.replaces');
  });

  it('refuses a Task partOf another Task, a missing performer and mixed parents', () => {
    const bundle = onward();
    (bundle.entry[1]!.resource as Record<string, unknown>).partOf = [{ reference: 'Task/other' }];
    delete (bundle.entry[2]!.resource as Record<string, unknown>).performer;
    expect(fields(problemsOf(() => parseTransaction(bundle, linkWorker, undefined, now)))).toEqual([
      'Bundle.entry[1].resource.partOf',
      'Bundle.entry[2].resource.performer',
    ]);
    const mixed = onward();
    (mixed.entry[2]!.resource as Record<string, unknown>).basedOn = [
      { reference: 'ServiceRequest/parent-2' },
    ];
    expect(fields(problemsOf(() => parseTransaction(mixed, linkWorker, undefined, now)))).toContain(
      'Bundle.entry',
    );
  });
});

describe('POST /fhir/ServiceRequest body -> referral intake', () => {
  it('reads the patient and consent contained (#patient, #consent)', () => {
    const parsed = parseServiceRequest(containedServiceRequest(), gp, undefined, now) as ParsedIntake;
    expect(parsed.intake).toMatchObject({
      patient: {
        nhsNumber: '9434765919',
        givenName: 'Jane Ann',
        familyName: 'Smith',
        birthDate: '1950-04-02',
      },
      targetServiceId: 'svc-walks',
      needs: ['sp-need-debt'],
      priority: 'urgent',
      consent: { given: true, recordedBy: 'Dr A Jones', recordedAt: '2024-05-01T09:30:00Z' },
      doNotContact: false,
    });
    expect(parsed.expressions.expressionFor('patient.nhsNumber')).toBe(
      'ServiceRequest.contained[0].identifier[0].value',
    );
  });

  it('resolves subject.identifier (NHS number) to the contained Patient with that number', () => {
    const parsed = parseServiceRequest(
      containedServiceRequest({ byIdentifier: true }),
      gp,
      undefined,
      now,
    ) as ParsedIntake;
    expect(parsed.intake.patient.nhsNumber).toBe('9434765919');
  });

  it('asks for the demographics when the identifier matches no Patient sent', () => {
    const body = containedServiceRequest({ byIdentifier: true });
    body.subject.identifier.value = '9000000009';
    expect(problemsOf(() => parseServiceRequest(body, gp, undefined, now))).toEqual([
      expect.objectContaining({ field: 'ServiceRequest.subject', code: 'required' }),
    ]);
    body.subject.identifier.system = 'http://example.org/mrn';
    expect(fields(problemsOf(() => parseServiceRequest(body, gp, undefined, now)))).toEqual([
      'ServiceRequest.subject.identifier',
    ]);
  });

  it('names contained elements in its problems', () => {
    const body = containedServiceRequest({ nhsNumber: '123' });
    body.contained[1].performer = [];
    body.status = 'draft';
    expect(fields(problemsOf(() => parseServiceRequest(body, gp, undefined, now)))).toEqual([
      'ServiceRequest.contained[0].identifier[0].value',
      'ServiceRequest.contained[1].performer',
      'ServiceRequest.status',
    ]);
  });

  it('reads basedOn as an onward referral to one service', () => {
    const parsed = parseServiceRequest(
      {
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        basedOn: [{ reference: 'ServiceRequest/parent-1' }],
        performer: [{ reference: 'HealthcareService/svc-food' }],
      },
      gp,
      undefined,
      now,
    ) as ParsedOnward;
    expect(parsed).toMatchObject({
      kind: 'onward',
      parentReferralId: 'parent-1',
      targets: [{ target: { targetServiceId: 'svc-food' } }],
    });
  });
});

describe('Gravity SDOH Clinical Care referrals (Condition, Goal, SDOH category, SNOMED code)', () => {
  const entry = (bundle: ReturnType<typeof gravitySdohBundle>, type: string) =>
    bundle.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === type)
      .resource;

  it('reads Bundles that are valid FHIR R4 (core definitions and the pinned Gravity terminology)', () => {
    expectValidFhir(gravitySdohBundle());
    expectValidFhir(
      gravitySdohBundle({
        serviceId: null,
        conditionCode: { code: '160695008', display: 'Transport too expensive' },
        category: 'transportation-insecurity',
      }),
    );
  });

  it('accepts a referral without reasonCode: needs from the Condition, the SDOH category and the code', () => {
    const parsed = parseTransaction(gravitySdohBundle(), gp, undefined, now) as ParsedIntake;
    expect(parsed.kind).toBe('intake');
    // 422650009 |Social isolation| maps to the platform need and is kept as given.
    expect(parsed.intake.needs).toEqual(['sp-need-loneliness', '422650009']);
    expect(parsed.intake.doNotContact).toBe(true);
    expect(parsed.intake.reasons).toEqual({
      conditions: [
        { codings: [{ system: 'http://snomed.info/sct', code: '422650009', display: 'Social isolation' }] },
      ],
      goals: [{ codings: [], text: 'Meets friends every week' }],
      needMappingVersion: NEED_MAPPING_VERSION,
    });
    expect(parsed.intake.patient.nhsNumber).toBe('9434765919');
    expect(parsed.entries).toEqual({ patient: 0, serviceRequest: 1, task: 4, consent: 5 });
    expect(parsed.expressions.expressionFor('needs[0]')).toBe('Bundle.entry[2].resource.code.coding[0].code');
  });

  it('keeps a SNOMED CT need the mapping cannot map, as given', () => {
    const bundle = gravitySdohBundle({
      conditionCode: { code: '160695008', display: 'Transport too expensive' },
      category: 'transportation-insecurity',
    });
    const parsed = parseTransaction(bundle, gp, undefined, now) as ParsedIntake;
    expect(parsed.intake.needs).toEqual(['160695008']);
  });

  it('derives needs from the SDOH category alone, and from a need-specific SNOMED CT procedure', () => {
    const bundle = gravitySdohBundle({ category: 'food-insecurity' });
    const sr = entry(bundle, 'ServiceRequest');
    delete sr.reasonReference;
    sr.supportingInfo = [sr.supportingInfo[0]];
    bundle.entry = bundle.entry.filter(
      (e: { resource: { resourceType: string } }) => !['Condition', 'Goal'].includes(e.resource.resourceType),
    );
    expect((parseTransaction(bundle, gp, undefined, now) as ParsedIntake).intake.needs).toEqual([
      'sp-need-food',
    ]);
    sr.category = [];
    sr.code = { coding: [{ system: 'http://snomed.info/sct', code: '390893007' }] };
    expect((parseTransaction(bundle, gp, undefined, now) as ParsedIntake).intake.needs).toEqual([
      'sp-need-physical-activity',
    ]);
  });

  it('reads Conditions and Goals contained in the ServiceRequest, and the Goal of pertainsToGoal', () => {
    const bundle = gravitySdohBundle();
    const sr = entry(bundle, 'ServiceRequest');
    const condition = { ...entry(bundle, 'Condition'), id: 'c1' };
    const goal = { ...entry(bundle, 'Goal'), id: 'g1', addresses: [{ reference: '#c1' }] };
    delete condition.subject;
    delete goal.subject;
    sr.contained = [condition, goal];
    sr.reasonReference = [{ reference: '#c1' }];
    sr.supportingInfo = [sr.supportingInfo[0]];
    sr.extension = [
      {
        url: 'http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal',
        valueReference: { reference: '#g1' },
      },
    ];
    bundle.entry = bundle.entry.filter(
      (e: { resource: { resourceType: string } }) => !['Condition', 'Goal'].includes(e.resource.resourceType),
    );
    const parsed = parseTransaction(bundle, gp, undefined, now) as ParsedIntake;
    expect(parsed.intake.needs).toEqual(['sp-need-loneliness', '422650009']);
    expect(parsed.intake.reasons?.goals).toEqual([{ codings: [], text: 'Meets friends every week' }]);
  });

  it('accepts contacting-subject-prohibited and the UK Core NHS number verification status', () => {
    const parsed = parseTransaction(gravitySdohBundle(), gp, undefined, now) as ParsedIntake;
    expect(parsed.intake.doNotContact).toBe(true);
    const without = gravitySdohBundle();
    delete entry(without, 'ServiceRequest').orderDetail;
    expect((parseTransaction(without, gp, undefined, now) as ParsedIntake).intake.doNotContact).toBe(false);
  });

  it('refuses, naming each element: no need at all, unknown category, unresolved reason, unreferenced resources', () => {
    const bundle = gravitySdohBundle({ category: 'transportation-insecurity' });
    const sr = entry(bundle, 'ServiceRequest');
    const condition = entry(bundle, 'Condition');
    delete condition.code;
    condition.verificationStatus.coding[0].code = 'refuted';
    sr.category.push({ coding: [{ system: SDOHCC, code: 'food-insecure' }] });
    sr.reasonReference.push({ reference: 'Condition/on-the-server' });
    entry(bundle, 'Patient').identifier[0].extension[0].valueCodeableConcept.coding[0].code = '99';
    sr.supportingInfo = [sr.supportingInfo[0]];
    entry(bundle, 'Goal').subject = { reference: 'urn:uuid:someone-else' };
    const problems = problemsOf(() => parseTransaction(bundle, gp, undefined, now));
    expect(fields(problems)).toEqual(
      [
        'Bundle.entry[0].resource.identifier[0].extension[0].valueCodeableConcept',
        'Bundle.entry[1].resource.category[2].coding[0].code',
        'Bundle.entry[1].resource.reasonCode',
        'Bundle.entry[1].resource.reasonReference[1]',
        'Bundle.entry[2].resource.code',
        'Bundle.entry[2].resource.verificationStatus',
        'Bundle.entry[3].resource',
      ].sort(),
    );
    expect(problems.find((p) => p.field === 'Bundle.entry[1].resource.reasonCode')?.message).toContain(
      NEED_MAPPING_VERSION,
    );
  });

  it('refuses a reason that is not a Condition and a Condition of another patient', () => {
    const bundle = gravitySdohBundle();
    const sr = entry(bundle, 'ServiceRequest');
    sr.reasonReference = [{ reference: CONDITION_URL }, { reference: GOAL_URL }];
    entry(bundle, 'Condition').subject = {
      identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' },
    };
    expect(fields(problemsOf(() => parseTransaction(bundle, gp, undefined, now)))).toEqual([
      'Bundle.entry[1].resource.reasonReference[1]',
      'Bundle.entry[2].resource.subject',
    ]);
  });

  it('reads the same shapes in POST /fhir/ServiceRequest (all contained)', () => {
    const body = containedServiceRequest();
    delete body.reasonCode;
    body.contained.push({
      resourceType: 'Condition',
      id: 'c1',
      category: [{ coding: [{ system: SDOHCC, code: 'financial-insecurity' }] }],
      code: { coding: [{ system: 'http://snomed.info/sct', code: '160932005' }] },
      subject: { reference: '#patient' },
    });
    body.reasonReference = [{ reference: '#c1' }];
    body.orderDetail = [{ coding: [{ system: SDOHCC, code: 'contacting-subject-prohibited' }] }];
    const parsed = parseServiceRequest(body, gp, undefined, now) as ParsedIntake;
    expect(parsed.intake.needs).toEqual(['sp-need-debt', '160932005']);
    expect(parsed.intake.doNotContact).toBe(true);
  });
});
