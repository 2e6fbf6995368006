import { DomainError, ValidationError, type FieldProblem } from '@sp/errors';
import { OUTPUT_TYPE_SYSTEM, OUTCOME_SYSTEM, REASON_SYSTEM } from '../src/fhir/fhir.constants';
import { applyPatch, parsePatch } from '../src/fhir/json-patch';
import { toTask, taskAtVersion, toServiceRequest } from '../src/fhir/referral-to-fhir';
import {
  bundleExpression,
  isTaskUpdateTransaction,
  readTaskUpdateTransaction,
} from '../src/fhir/outputs/task-update-transaction';
import { planTaskUpdate, WRITABLE_TASK_ELEMENTS } from '../src/fhir/task-update';
import { referralDoc } from './fhir-fixtures';

type Json = Record<string, unknown>;
const task = (overrides = {}) => toTask(referralDoc(overrides)) as unknown as Json;
const patch = (doc: Json, ops: unknown) =>
  applyPatch(doc, parsePatch(ops, 'Task', WRITABLE_TASK_ELEMENTS), 'Task');

function problemsOf(fn: () => unknown): FieldProblem[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).problems;
  }
  throw new Error('expected an error');
}

const outputType = (code: string) => ({ coding: [{ system: OUTPUT_TYPE_SYSTEM, code }] });
const ons4 = (occasion: string, [a, b, c, d]: number[]) =>
  [
    ['life-satisfaction', a],
    ['worthwhile', b],
    ['happiness', c],
    ['anxiety', d],
  ].map(([item, v]) => ({ type: outputType(`ons4-${item}-${occasion}`), valueInteger: v }));

describe('JSON Patch on a Task', () => {
  it('applies replace/add/test and refuses paths outside status, statusReason, output and owner', () => {
    const t = task();
    expect(
      patch(t, [
        { op: 'test', path: '/status', value: 'requested' },
        { op: 'replace', path: '/status', value: 'accepted' },
      ]).status,
    ).toBe('accepted');
    expect(t.status).toBe('requested'); // applied on a copy
    const problems = problemsOf(() =>
      parsePatch(
        [
          { op: 'replace', path: '/focus/reference', value: 'ServiceRequest/x' },
          { op: 'add', path: '/businessStatus', value: { text: 'x' } },
          { op: 'move', from: '/status', path: '/status' },
          { op: 'replace', path: '/status' },
        ],
        'Task',
        WRITABLE_TASK_ELEMENTS,
      ),
    );
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['Task.focus.reference', 'not-supported'],
      ['Task.businessStatus', 'not-supported'],
      ['Task.status', 'not-supported'],
      ['Task.status', 'required'],
    ]);
    expect(() => parsePatch({ op: 'replace' }, 'Task', WRITABLE_TASK_ELEMENTS)).toThrow(ValidationError);
  });

  it('answers 422 for a failed test and a missing target', () => {
    const failed = () => patch(task(), [{ op: 'test', path: '/status', value: 'accepted' }]);
    expect(failed).toThrow(expect.objectContaining({ status: 422 }));
    expect(problemsOf(() => patch(task(), [{ op: 'remove', path: '/statusReason' }]))[0]?.field).toBe(
      'Task.statusReason',
    );
  });
});

describe('Task change -> referral operation', () => {
  it('maps a status change to its action (accept, start, hold with reason, complete with outputs)', () => {
    const doc = referralDoc();
    expect(
      planTaskUpdate(doc, patch(task(), [{ op: 'replace', path: '/status', value: 'accepted' }]), 'patch'),
    ).toEqual({
      transition: { action: 'accept' },
    });
    const accepted = referralDoc({ status: 'accepted', version: 2 });
    const started = planTaskUpdate(
      accepted,
      patch(toTask(accepted) as unknown as Json, [
        { op: 'replace', path: '/status', value: 'in-progress' },
        { op: 'add', path: '/output', value: ons4('baseline', [5, 6, 4, 7]) },
      ]),
      'patch',
    );
    expect(started).toEqual({
      transition: {
        action: 'start',
        wellbeing: { baseline: { lifeSatisfaction: 5, worthwhile: 6, happiness: 4, anxiety: 7 } },
      },
    });
    const held = planTaskUpdate(
      accepted,
      patch(toTask(accepted) as unknown as Json, [
        { op: 'replace', path: '/status', value: 'on-hold' },
        {
          op: 'add',
          path: '/statusReason',
          value: { coding: [{ system: REASON_SYSTEM, code: 'unable-to-contact' }], text: 'three calls' },
        },
      ]),
      'patch',
    );
    expect(held.transition).toEqual({
      action: 'hold',
      reason: { code: 'unable-to-contact', text: 'three calls' },
    });
    const inProgress = referralDoc({
      status: 'in-progress',
      version: 3,
      wellbeing: { baseline: { lifeSatisfaction: 5, worthwhile: 6, happiness: 4, anxiety: 7 } },
    });
    const current = toTask(inProgress) as unknown as Json;
    const completed = planTaskUpdate(
      inProgress,
      patch(current, [
        { op: 'replace', path: '/status', value: 'completed' },
        {
          op: 'add',
          path: '/output/-',
          value: {
            type: outputType('outcome'),
            valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: 'sp-outcome-goals-met' }] },
          },
        },
        {
          op: 'add',
          path: '/output/-',
          value: { type: outputType('outcome-note'), valueString: 'joined walking group' },
        },
        ...ons4('follow-up', [7, 8, 7, 3]).map((value) => ({ op: 'add', path: '/output/-', value })),
      ]),
      'patch',
    );
    expect(completed.transition).toEqual({
      action: 'complete',
      outcome: { codes: ['sp-outcome-goals-met'], note: 'joined walking group' },
      wellbeing: {
        baseline: { lifeSatisfaction: 5, worthwhile: 6, happiness: 4, anxiety: 7 },
        followUp: { lifeSatisfaction: 7, worthwhile: 8, happiness: 7, anxiety: 3 },
      },
    });
  });

  it('claims an open referral with owner HealthcareService/<id> and status accepted together', () => {
    const open = referralDoc({ targetServiceId: undefined, ownerOrganisationId: undefined });
    const claimed = patch(toTask(open) as unknown as Json, [
      { op: 'add', path: '/owner', value: { reference: 'HealthcareService/svc-mine' } },
      { op: 'replace', path: '/status', value: 'accepted' },
    ]);
    expect(planTaskUpdate(open, claimed, 'patch')).toEqual({ claimServiceId: 'svc-mine' });
    const ownerOnly = patch(toTask(open) as unknown as Json, [
      { op: 'add', path: '/owner', value: { reference: 'HealthcareService/svc-mine' } },
    ]);
    expect(problemsOf(() => planTaskUpdate(open, ownerOnly, 'patch'))[0]?.field).toBe('Task.status');
    const owned = referralDoc();
    const reowned = patch(task(), [
      { op: 'replace', path: '/owner', value: { reference: 'HealthcareService/svc-other' } },
      { op: 'replace', path: '/status', value: 'accepted' },
    ]);
    expect(problemsOf(() => planTaskUpdate(owned, reowned, 'patch'))[0]).toMatchObject({
      field: 'Task.owner',
      code: 'not-supported',
    });
  });

  it('refuses moves the state machine has not, unknown codes, incomplete ONS4 and outputs without a move', () => {
    const completed = referralDoc({ status: 'completed', version: 5 });
    const e = (() => {
      try {
        planTaskUpdate(
          completed,
          { ...(toTask(completed) as unknown as Json), status: 'in-progress' },
          'patch',
        );
      } catch (err) {
        return err as DomainError;
      }
      return undefined;
    })();
    expect(e).toMatchObject({
      status: 409,
      code: 'REFERRAL.INVALID_TRANSITION',
      problems: [{ field: 'Task.status' }],
    });

    const doc = referralDoc({ status: 'accepted', version: 2 });
    const bad = {
      ...(toTask(doc) as unknown as Json),
      status: 'failed',
      statusReason: { coding: [{ system: REASON_SYSTEM, code: 'bored' }] },
      output: [
        ...ons4('follow-up', [7, 8, 7, 3]).slice(0, 3),
        { type: outputType('ons4-happiness-baseline'), valueInteger: 11 },
      ],
    };
    expect(problemsOf(() => planTaskUpdate(doc, bad, 'patch')).map((p) => p.field)).toEqual([
      'Task.statusReason.coding[0].code',
      'Task.output[3].valueInteger',
      'Task.output',
    ]);
    const sameStatus = { ...(toTask(doc) as unknown as Json), output: ons4('baseline', [1, 2, 3, 4]) };
    expect(problemsOf(() => planTaskUpdate(doc, sameStatus, 'patch'))[0]).toMatchObject({
      field: 'Task.output',
      code: 'not-supported',
    });
    expect(problemsOf(() => planTaskUpdate(doc, toTask(doc) as unknown as Json, 'patch'))[0]?.field).toBe(
      'Task',
    );
    expect(Object.keys({ ...(toTask(doc) as unknown as Json), status: 'bogus' })).toContain('status');
    expect(
      problemsOf(() =>
        planTaskUpdate(doc, { ...(toTask(doc) as unknown as Json), status: 'bogus' }, 'patch'),
      )[0]?.field,
    ).toBe('Task.status');
  });

  it('on PUT refuses changes to fixed elements, a different id and businessStatus', () => {
    const doc = referralDoc();
    const body = {
      ...(toTask(doc) as unknown as Json),
      id: 'other',
      focus: { reference: 'ServiceRequest/x' },
      businessStatus: { text: 'x' },
      status: 'accepted',
    };
    expect(
      problemsOf(() => planTaskUpdate(doc, body, 'put'))
        .map((p) => p.field)
        .sort(),
    ).toEqual(['Task.businessStatus', 'Task.focus', 'Task.id'].sort());
    const fine = {
      ...(toTask(doc) as unknown as Json),
      meta: { versionId: '9' },
      status: 'rejected',
      statusReason: { coding: [{ system: REASON_SYSTEM, code: 'no-capacity' }] },
    };
    expect(planTaskUpdate(doc, fine, 'put')).toEqual({
      transition: { action: 'reject', reason: { code: 'no-capacity' } },
    });
  });
});

describe('referral -> FHIR resources', () => {
  it('ServiceRequest contains the patient and consent; the Task refers to the patient only pseudonymously', () => {
    const doc = referralDoc();
    const sr = toServiceRequest(doc);
    expect(sr).toMatchObject({
      id: 'ref-1',
      meta: { versionId: '1' },
      status: 'active',
      subject: { reference: '#patient' },
      performer: [{ reference: 'HealthcareService/svc-walks' }],
      supportingInfo: [{ reference: '#consent' }],
      orderDetail: [{ coding: [{ code: 'do-not-contact' }] }],
    });
    expect(JSON.stringify(sr)).toContain('9434765919');
    const t = toTask(doc);
    expect(t).toMatchObject({
      id: 'ref-1',
      status: 'requested',
      focus: { reference: 'ServiceRequest/ref-1' },
      owner: { identifier: { value: 'org-vcs' } },
    });
    const bytes = JSON.stringify(t);
    for (const secret of ['9434765919', 'Smith', 'Jane', '1950-04-02', 'Lives alone'])
      expect(bytes).not.toContain(secret);
  });

  it('reconstructs each history version: status, reason, time, owner only after the claim', () => {
    const by = { clientId: 'c', organisationId: 'org-vcs', role: 'provider' as const };
    const doc = referralDoc({
      status: 'on-hold',
      version: 3,
      history: [
        {
          version: 1,
          at: new Date('2024-05-01T10:00:00Z'),
          by,
          action: 'submitted',
          from: null,
          to: 'requested',
        },
        {
          version: 2,
          at: new Date('2024-05-02T10:00:00Z'),
          by,
          action: 'claimed',
          from: 'requested',
          to: 'accepted',
        },
        {
          version: 3,
          at: new Date('2024-05-03T10:00:00Z'),
          by,
          action: 'put-on-hold',
          from: 'accepted',
          to: 'on-hold',
          reason: { code: 'no-capacity' },
        },
      ],
      statusReason: { code: 'no-capacity' },
      updatedAt: new Date('2024-05-03T10:00:00Z'),
    });
    const v1 = taskAtVersion(doc, doc.history[0]!);
    expect(v1).toMatchObject({
      status: 'requested',
      meta: { versionId: '1', lastUpdated: '2024-05-01T10:00:00.000Z' },
    });
    expect(v1.owner).toBeUndefined();
    expect(v1.statusReason).toBeUndefined();
    expect(taskAtVersion(doc, doc.history[1]!).owner).toBeDefined();
    expect(taskAtVersion(doc, doc.history[2]!).statusReason?.coding?.[0]?.code).toBe('no-capacity');
  });
});

describe('Gravity resulting activities (Task.output resulting-activity)', () => {
  const SDOHCC = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
  const activityType = { coding: [{ system: SDOHCC, code: 'resulting-activity' }] };
  const FOOD = { system: 'http://snomed.info/sct', code: '467771000124109', display: 'Food pantry help' };
  const inProgress = referralDoc({ status: 'in-progress', version: 3 });
  const procedure = (overrides: Json = {}): Json => ({
    resourceType: 'Procedure',
    id: 'p1',
    status: 'completed',
    code: { coding: [FOOD] },
    subject: { reference: `Patient/${'a'.repeat(64)}` },
    basedOn: [{ reference: 'ServiceRequest/ref-1' }],
    performedDateTime: '2024-05-10T11:00:00Z',
    ...overrides,
  });
  const complete = (contained: unknown[], output: unknown[]) =>
    planTaskUpdate(
      inProgress,
      { ...(toTask(inProgress) as unknown as Json), status: 'completed', contained, output },
      'patch',
    );

  it('keeps a contained Procedure as an activity; its SNOMED code becomes an outcome code', () => {
    const plan = complete(
      [procedure({ category: { coding: [{ system: SDOHCC, code: 'food-insecurity' }] } })],
      [{ type: activityType, valueReference: { reference: '#p1' } }],
    );
    expect(plan.transition).toEqual({
      action: 'complete',
      outcome: {
        codes: ['467771000124109'],
        activities: [
          {
            procedureId: 'procedure-1',
            codes: [FOOD],
            categories: [{ system: SDOHCC, code: 'food-insecurity' }],
            performed: { at: '2024-05-10T11:00:00Z' },
          },
        ],
      },
    });
  });

  it('takes valueCodeableConcept, our outcome codes and a period, and reads back what it stored', () => {
    const plan = complete(
      [
        procedure({
          performedDateTime: undefined,
          performedPeriod: { start: '2024-05-02', end: '2024-05-09' },
        }),
      ],
      [
        { type: activityType, valueCodeableConcept: { coding: [FOOD] } },
        { type: activityType, valueReference: { reference: '#p1' } },
        {
          type: outputType('outcome'),
          valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: 'sp-outcome-attended' }] },
        },
      ],
    );
    const outcome = plan.transition?.outcome;
    expect(outcome?.codes).toEqual(['sp-outcome-attended', '467771000124109']);
    expect(outcome?.activities).toEqual([
      { codes: [FOOD] },
      { procedureId: 'procedure-1', codes: [FOOD], performed: { start: '2024-05-02', end: '2024-05-09' } },
    ]);
    // As stored, the Task gives the activities back: the Procedure contained, referenced from the output.
    const done = toTask(referralDoc({ status: 'completed', version: 4, outcome: outcome! }));
    expect(done.contained).toEqual([
      {
        resourceType: 'Procedure',
        id: 'procedure-1',
        basedOn: [{ reference: 'ServiceRequest/ref-1' }],
        status: 'completed',
        code: { coding: [FOOD] },
        subject: { reference: `Patient/${'a'.repeat(64)}` },
        performedPeriod: { start: '2024-05-02', end: '2024-05-09' },
      },
    ]);
    expect(done.output?.filter((o) => o.type.coding?.[0]?.system === SDOHCC)).toEqual([
      {
        type: { coding: [{ ...activityType.coding[0], display: 'Resulting Activity' }] },
        valueCodeableConcept: { coding: [FOOD] },
      },
      {
        type: { coding: [{ ...activityType.coding[0], display: 'Resulting Activity' }] },
        valueReference: { reference: '#procedure-1' },
      },
    ]);
    expect(done.for).toMatchObject({ reference: `Patient/${'a'.repeat(64)}` });
    // A PUT of the Task as read changes nothing that was stored: no second recording.
    const again = { ...(done as unknown as Json) };
    expect(() =>
      planTaskUpdate(referralDoc({ status: 'completed', version: 4, outcome: outcome! }), again, 'put'),
    ).toThrow('The update changes nothing');
  });

  it('names each bad output and bad Procedure element', () => {
    const problems = problemsOf(() =>
      complete(
        [
          procedure({
            status: 'in-progress',
            code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99999' }] },
            subject: { reference: 'Patient/someone-else' },
            basedOn: [{ reference: 'ServiceRequest/other' }],
            performedDateTime: 'yesterday',
            note: [{ text: 'free text' }],
          }),
          { resourceType: 'Observation', id: 'o1' },
          procedure({ id: 'p2' }),
        ],
        [
          { type: activityType, valueReference: { reference: '#p1' } },
          { type: activityType, valueReference: { reference: 'Procedure/p9' } },
          { type: activityType },
          { type: { coding: [{ system: SDOHCC, code: 'make-contact' }] }, valueString: 'x' },
          { type: activityType, valueCodeableConcept: { text: 'no coding' } },
        ],
      ),
    );
    expect(problems.map((p) => p.field).sort()).toEqual(
      [
        'Task.contained[0].note',
        'Task.contained[0].status',
        'Task.contained[0].code',
        'Task.contained[0].subject',
        'Task.contained[0].basedOn[0]',
        'Task.contained[0].performedDateTime',
        'Task.contained[1]',
        'Task.contained[2]',
        'Task.output[1].valueReference',
        'Task.output[2].value[x]',
        'Task.output[3].type',
        'Task.output[4].valueCodeableConcept',
      ].sort(),
    );
  });

  it('keeps to the outcome-code limit of the JSON API and the events (20)', () => {
    const outputs = Array.from({ length: 21 }, (_, i) => ({
      type: activityType,
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: String(100000 + i) }] },
    }));
    expect(problemsOf(() => complete([], outputs)).map((p) => p.field)).toEqual([
      'Task.output',
      'Task.output',
    ]);
    expect(complete([], outputs.slice(0, 20)).transition?.outcome?.codes).toHaveLength(20);
  });

  it('records activities only with completion (the outcome rule of the JSON API)', () => {
    const accepted = referralDoc({ status: 'accepted', version: 2 });
    const plan = planTaskUpdate(
      accepted,
      {
        ...(toTask(accepted) as unknown as Json),
        status: 'in-progress',
        output: [{ type: activityType, valueCodeableConcept: { coding: [FOOD] } }],
      },
      'patch',
    );
    // The move is planned; the operation refuses an outcome outside completion (outcome -> Task.output).
    expect(plan.transition?.outcome?.activities).toEqual([{ codes: [FOOD] }]);
    expect(plan.transition?.action).toBe('start');
  });
});

describe('a Task update transaction (PUT Task + POST Procedure)', () => {
  const SDOHCC = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
  const activityType = { coding: [{ system: SDOHCC, code: 'resulting-activity' }] };
  const doc = referralDoc({ status: 'in-progress', version: 3 });
  const bundle = (procedure: Json) => ({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: 'urn:uuid:p', resource: procedure, request: { method: 'POST', url: 'Procedure' } },
      {
        resource: {
          ...(toTask(doc) as unknown as Json),
          status: 'completed',
          output: [{ type: activityType, valueReference: { reference: 'urn:uuid:p' } }],
        },
        request: { method: 'PUT', url: `Task/${doc._id}`, ifMatch: 'W/"3"' },
      },
    ],
  });
  const procedure = {
    resourceType: 'Procedure',
    status: 'completed',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '710925007' }] },
    subject: { reference: `Patient/${'a'.repeat(64)}` },
    performedDateTime: '2024-05-10',
  };

  it('becomes one Task update with the posted Procedure contained', () => {
    expect(isTaskUpdateTransaction(bundle(procedure))).toBe(true);
    expect(isTaskUpdateTransaction({ resourceType: 'Bundle', type: 'transaction', entry: [] })).toBe(false);
    const parsed = readTaskUpdateTransaction(bundle(procedure));
    expect(parsed).toMatchObject({ taskId: 'ref-1', ifMatch: 'W/"3"', taskEntry: 1, procedureEntries: [0] });
    expect(planTaskUpdate(doc, parsed.task, 'put').transition?.outcome).toEqual({
      codes: ['710925007'],
      activities: [
        {
          procedureId: 'procedure-1',
          codes: [{ system: 'http://snomed.info/sct', code: '710925007' }],
          performed: { at: '2024-05-10' },
        },
      ],
    });
  });

  it('names problems where the client put them in the Bundle', () => {
    const parsed = readTaskUpdateTransaction(bundle({ ...procedure, status: 'in-progress' }));
    const where = bundleExpression(parsed);
    const problems = problemsOf(() => planTaskUpdate(doc, parsed.task, 'put'));
    expect(problems.map((p) => where(p.field))).toEqual(['Bundle.entry[0].resource.status']);
    expect(where('Task.output[0].valueReference')).toBe('Bundle.entry[1].resource.output[0].valueReference');
    const refused = problemsOf(() =>
      readTaskUpdateTransaction({
        ...bundle(procedure),
        entry: [
          ...bundle(procedure).entry,
          { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        ],
      }),
    );
    expect(refused.map((p) => p.field)).toEqual(['Bundle.entry[2].request']);
  });
});
