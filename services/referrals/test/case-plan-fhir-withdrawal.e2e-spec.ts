/**
 * The case record, part 2, on the real stack (Kafka, MongoDB, Redis, HAPI's validator): the FHIR
 * CarePlan and Goal views, redaction on consent withdrawal, and part-2 writes racing a withdrawal.
 * The organisation holding the referral acts through its API client (no person); people with
 * their own tokens are in case-plan-people.e2e-spec.ts. Set-up: support/case-record-world.ts.
 */
import { expectValidFhir, expectValidFhirByHapi } from '@sp/testing';
import type { Reply } from './support';
import { CaseRecordWorld, dayFromNow, type Json } from './support/case-record-world';

const world = new CaseRecordWorld('cpf', { lwListing: { taxonomyTermIds: ['sp-need-loneliness'] } });
const { org, svc } = world;
const { api: call, fhir, count, referralDoc } = world;
/** A referral the link-worker organisation accepted and started (through its API client). */
const referral = (): Promise<string> => world.referral('lw', ['accept', 'start']);

describe('case record part 2: CarePlan and Goal, redaction and races with consent withdrawal end to end', () => {
  beforeAll(() => world.start(), 240_000);
  afterAll(() => world.stop(), 60_000);

  it('FHIR: the plan as a CarePlan and what matters as Goals, valid R4 (HAPI), found by subject, owning organisation only', async () => {
    const rid = await referral();
    const patientKey = (await referralDoc(rid)).patientKey as string;
    const goal = await call('lw', 'POST', `/v1/referrals/${rid}/what-matters`, {
      text: 'Get back to swimming',
    });
    await call('lw', 'POST', `/v1/referrals/${rid}/needs`, { code: 'sp-need-loneliness', status: 'active' });
    await call('lw', 'POST', `/v1/referrals/${rid}/needs`, { code: '160903007', status: 'active' });
    await call('lw', 'POST', `/v1/referrals/${rid}/needs`, { code: '160903007', status: 'resolved' });
    expect((await fhir('lw', `/CarePlan/${rid}`)).status).toBe(404); // no action yet: no plan
    const onward = await call('lw', 'POST', `/v1/referrals/${rid}/onward`, {
      targets: [{ targetServiceId: svc.a }],
    });
    const child = onward.body.children[0].id as string;
    const worker = { kind: 'worker', sub: 'worker-sub-1', display: 'Sam' };
    const action = await call('lw', 'POST', `/v1/referrals/${rid}/plan/actions`, {
      description: 'Swimming taster session',
      owner: worker,
      dueDate: dayFromNow(4),
      status: 'in-progress',
      onwardReferralId: child,
    });
    expect(action.status).toBe(201);
    await call('lw', 'POST', `/v1/referrals/${rid}/plan/actions`, {
      description: 'Buy a swimming costume',
      owner: { kind: 'patient' },
      dueDate: dayFromNow(2),
      status: 'planned',
    });

    const read = await fhir('lw', `/CarePlan/${rid}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toContain('application/fhir+json');
    const carePlan = read.body;
    expectValidFhir(carePlan);
    await expectValidFhirByHapi(carePlan);
    expect(carePlan).toMatchObject({
      resourceType: 'CarePlan',
      id: rid,
      status: 'active',
      intent: 'plan',
      subject: { reference: `Patient/${patientKey}` },
      supportingInfo: [{ reference: `ServiceRequest/${rid}` }],
      goal: [{ reference: `Goal/${goal.body.id}` }],
      addresses: [{ reference: '#need-1' }, { reference: '#need-2' }],
    });
    expect(
      carePlan.contained.map((c: Json) => [c.code.coding[0].code, c.clinicalStatus.coding[0].code]),
    ).toEqual([
      ['sp-need-loneliness', 'active'],
      ['160903007', 'resolved'],
    ]);
    expect(carePlan.activity[0]).toEqual({
      outcomeReference: [{ reference: `ServiceRequest/${child}` }],
      detail: {
        kind: 'ServiceRequest',
        status: 'in-progress',
        description: 'Swimming taster session',
        scheduledPeriod: { end: dayFromNow(4) },
        performer: [
          {
            type: 'Practitioner',
            identifier: { system: expect.any(String), value: 'worker-sub-1' },
            display: 'Sam',
          },
        ],
      },
    });
    expect(carePlan.activity[1].detail).toMatchObject({
      status: 'scheduled',
      performer: [{ reference: `Patient/${patientKey}` }],
    });

    const goalRead = await fhir('lw', `/Goal/${goal.body.id}`);
    expect(goalRead.status).toBe(200);
    expectValidFhir(goalRead.body);
    await expectValidFhirByHapi(goalRead.body);
    expect(goalRead.body).toMatchObject({
      resourceType: 'Goal',
      lifecycleStatus: 'active',
      description: { text: 'Get back to swimming' },
      subject: { reference: `Patient/${patientKey}` },
      expressedBy: { reference: `Patient/${patientKey}` },
      addresses: [{ reference: `ServiceRequest/${rid}` }],
    });

    const bySubject = await fhir('lw', `/CarePlan?subject=Patient/${patientKey}&_count=100`);
    expect(bySubject.status).toBe(200);
    expect(bySubject.body.entry.map((e: Json) => e.resource.id)).toContain(rid);
    await expectValidFhirByHapi(bySubject.body);
    const byId = await fhir('lw', `/CarePlan?_id=${rid}`);
    expect(byId.body.total).toBe(1);
    const goals = await fhir('lw', `/Goal?subject=Patient/${patientKey}&_count=100`);
    expect(goals.body.entry.map((e: Json) => e.resource.id)).toContain(goal.body.id);
    expect((await fhir('lw', `/Goal?_id=${goal.body.id}`)).body.total).toBe(1);
    const bad = await fhir('lw', '/CarePlan?based-on=ServiceRequest/x&_count=0');
    expect(bad.status).toBe(400);
    // Search parameters are named in each issue's text (they are not FHIRPath expressions).
    expect(bad.body.issue.map((i: Json) => i.details.text.split(':')[0]).sort()).toEqual([
      '_count',
      'based-on',
    ]);

    // The referring practice may not read the case record; anyone else is not told it exists.
    expect((await fhir('gp', `/CarePlan/${rid}`)).status).toBe(403);
    expect((await fhir('gp', `/Goal/${goal.body.id}`)).status).toBe(403);
    for (const who of ['vcsA', 'ops']) {
      expect((await fhir(who, `/CarePlan/${rid}`)).status).toBe(404);
      expect((await fhir(who, `/Goal/${goal.body.id}`)).status).toBe(404);
      expect((await fhir(who, `/CarePlan?subject=Patient/${patientKey}`)).body.total).toBe(0);
      expect((await fhir(who, `/Goal?_id=${goal.body.id}`)).body.total).toBe(0);
    }
    const audit = await world.database
      .collection('audit_log')
      .find({ referralId: rid, action: /^case\.(care-plan|goal)\./ })
      .toArray();
    const actions = new Set(audit.map((a) => `${a.action} ${a.outcome}`));
    for (const expected of [
      'case.care-plan.read allowed',
      'case.care-plan.search allowed',
      'case.goal.read allowed',
      'case.goal.search allowed',
      'case.care-plan.read refused',
      'case.care-plan.read denied',
    ])
      expect([expected, actions.has(expected)]).toEqual([expected, true]);

    const metadata = await fhir('lw', '/metadata');
    const declared = (type: string) => metadata.body.rest[0].resource.find((r: Json) => r.type === type);
    for (const type of ['CarePlan', 'Goal']) {
      expect(declared(type).interaction).toEqual([{ code: 'read' }, { code: 'search-type' }]);
      expect(
        declared(type)
          .searchParam.map((p: Json) => p.name)
          .sort(),
      ).toEqual(['_count', '_id', '_offset', 'subject']);
    }
  });

  it('consent withdrawal redacts the free text of what matters, concerns, actions and MYCaW concerns, keeps codes, dates and scores, and makes the record read-only', async () => {
    const rid = await referral();
    const wm = await call('lw', 'POST', `/v1/referrals/${rid}/what-matters`, { text: 'Her grandchildren' });
    await call('lw', 'POST', `/v1/referrals/${rid}/concerns`, { text: 'Falls at home' });
    await call('lw', 'POST', `/v1/referrals/${rid}/needs`, { code: 'sp-need-loneliness', status: 'active' });
    const dueDate = dayFromNow(5);
    await call('lw', 'POST', `/v1/referrals/${rid}/plan/actions`, {
      description: 'Ask her daughter about the lunch club',
      owner: { kind: 'organisation', organisationId: org.vcsA, display: 'Lunch club' },
      dueDate,
      status: 'planned',
    });
    await call('lw', 'POST', `/v1/referrals/${rid}/wellbeing-measures`, {
      instrument: 'mycaw',
      timepoint: 'baseline',
      takenAt: new Date().toISOString(),
      scores: { concern1: { description: 'Her hip', score: 4 }, wellbeing: 3 },
    });
    expect((await call('gp', 'POST', `/v1/referrals/${rid}/consent-withdrawal`, {})).status).toBe(200);

    const statements = await world.database.collection('case_statements').find({ referralId: rid }).toArray();
    expect(statements).toHaveLength(2);
    for (const s of statements) {
      expect(s.text).toBeUndefined();
      expect(s.redactedAt).toBeInstanceOf(Date);
      expect(s.kind).toBeDefined();
      expect(s.recordedAt).toBeInstanceOf(Date);
    }
    const [action] = await world.database.collection('case_plan_actions').find({ referralId: rid }).toArray();
    expect(action!.description).toBeUndefined();
    expect(action!.owner).toEqual({ kind: 'organisation', organisationId: org.vcsA });
    expect(action).toMatchObject({ dueDate, status: 'planned', redactedAt: expect.any(Date) });
    const [measure] = await world.database
      .collection('case_wellbeing_measures')
      .find({ referralId: rid })
      .toArray();
    expect(measure!.scores).toEqual({ concern1: { score: 4 }, wellbeing: 3 });
    expect(measure!.redactedAt).toBeInstanceOf(Date);
    const [need] = await world.database.collection('case_needs').find({ referralId: rid }).toArray();
    expect(need).toMatchObject({ code: 'sp-need-loneliness' });
    const stored = JSON.stringify(
      await Promise.all(
        ['case_statements', 'case_plan_actions', 'case_wellbeing_measures'].map((c) =>
          world.database.collection(c).find({ referralId: rid }).toArray(),
        ),
      ),
    );
    for (const text of ['grandchildren', 'Falls', 'daughter', 'Lunch club', 'hip'])
      expect(stored).not.toContain(text);

    // Read-only now: every write is refused (409) and nothing changes; reads still answer.
    const writes: [string, string, unknown][] = [
      ['POST', 'what-matters', { text: 'x' }],
      ['PATCH', `what-matters/${wm.body.id}`, { status: 'achieved' }],
      ['POST', 'needs', { code: 'sp-need-debt', status: 'active' }],
      ['POST', 'plan/actions', { description: 'x', owner: { kind: 'patient' }, dueDate, status: 'planned' }],
      [
        'POST',
        'wellbeing-measures',
        {
          instrument: 'ons4',
          timepoint: 'baseline',
          takenAt: new Date().toISOString(),
          scores: { lifeSatisfaction: 1, worthwhile: 1, happiness: 1, anxiety: 1 },
        },
      ],
    ];
    for (const [method, path, body] of writes) {
      const reply = await call('lw', method, `/v1/referrals/${rid}/${path}`, body);
      expect([path, reply.status, reply.body.code]).toEqual([path, 409, 'CASE_RECORD.READ_ONLY']);
    }
    expect(await count('case_statements', rid)).toBe(2);
    const list = await call('lw', 'GET', `/v1/referrals/${rid}/what-matters`);
    expect(list.status).toBe(200);
    expect(list.body.items[0].text).toBeUndefined();
    expect(list.body.items[0].redactedAt).toBeDefined();

    const goal = await fhir('lw', `/Goal/${wm.body.id}`);
    expect(goal.body.description).toEqual({
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }],
    });
    await expectValidFhirByHapi(goal.body);
    const carePlan = await fhir('lw', `/CarePlan/${rid}`);
    expect(carePlan.body.status).toBe('revoked');
    expect(carePlan.body.activity[0].detail.description).toBeUndefined();
    await expectValidFhirByHapi(carePlan.body);
  });

  it('part-2 writes racing a consent withdrawal are either redacted by it or refused after it (409): no free text survives', async () => {
    const rid = await referral();
    const RACE = 'Racing text about her sister in Whitby';
    const dueDate = dayFromNow(6);
    // Entries the race changes (one PATCH each, so they never race one another).
    const statements: string[] = [];
    const actions: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const made = await call('lw', 'POST', `/v1/referrals/${rid}/what-matters`, { text: `Before ${i}` });
      expect(made.status).toBe(201);
      statements.push(made.body.id as string);
      const action = await call('lw', 'POST', `/v1/referrals/${rid}/plan/actions`, {
        description: `Before ${i}`,
        owner: { kind: 'patient' },
        dueDate,
        status: 'planned',
      });
      expect(action.status).toBe(201);
      actions.push(action.body.id as string);
    }
    const needCodes = ['sp-need-debt', 'sp-need-housing', 'sp-need-food', 'sp-need-benefits'];
    const writes: (() => Promise<Reply>)[] = [
      ...[0, 1, 2, 3].map(
        (i) => () => call('lw', 'POST', `/v1/referrals/${rid}/what-matters`, { text: `${RACE} w${i}` }),
      ),
      ...[0, 1, 2, 3].map(
        (i) => () => call('lw', 'POST', `/v1/referrals/${rid}/concerns`, { text: `${RACE} c${i}` }),
      ),
      ...[0, 1, 2, 3].map(
        (i) => () =>
          call('lw', 'POST', `/v1/referrals/${rid}/plan/actions`, {
            description: `${RACE} a${i}`,
            owner: { kind: 'organisation', organisationId: org.vcsA, display: `${RACE} o${i}` },
            dueDate,
            status: 'planned',
          }),
      ),
      ...[0, 1, 2, 3].map(
        (i) => () =>
          call('lw', 'POST', `/v1/referrals/${rid}/wellbeing-measures`, {
            instrument: 'mycaw',
            timepoint: 'baseline',
            takenAt: new Date().toISOString(),
            scores: { concern1: { description: `${RACE} m${i}`, score: 3 }, wellbeing: 2 },
          }),
      ),
      ...statements.map(
        (sid, i) => () =>
          call('lw', 'PATCH', `/v1/referrals/${rid}/what-matters/${sid}`, { text: `${RACE} p${i}` }),
      ),
      ...actions.map(
        (aid, i) => () =>
          call('lw', 'PATCH', `/v1/referrals/${rid}/plan/actions/${aid}`, { description: `${RACE} q${i}` }),
      ),
      ...needCodes.map(
        (code) => () => call('lw', 'POST', `/v1/referrals/${rid}/needs`, { code, status: 'active' }),
      ),
    ];
    // Interleave the kinds, start them a few milliseconds apart and the withdrawal among them, so
    // some land before it, some during it and some after it.
    const order = writes.map((w, i) => ({ w, key: (i * 7) % writes.length })).sort((a, b) => a.key - b.key);
    const replies: Promise<Reply>[] = [];
    let withdrawal: Promise<Reply> | undefined;
    for (const [i, { w }] of order.entries()) {
      if (i === 8) withdrawal = call('gp', 'POST', `/v1/referrals/${rid}/consent-withdrawal`, {});
      replies.push(w());
      await new Promise((resolve) => setTimeout(resolve, 12));
    }
    const answered = await Promise.all(replies);
    expect((await withdrawal!).status).toBe(200);
    for (const reply of answered) {
      expect([200, 201, 409]).toContain(reply.status);
      if (reply.status === 409) expect(reply.body.code).toBe('CASE_RECORD.READ_ONLY');
    }
    // Which writes land before the withdrawal and which are refused after it depends on timing
    // (the withdrawal retries while write transactions hold the referral); each outcome is checked
    // below. Without the hold, text written during the withdrawal survived it.
    const rows = async (collection: string) =>
      world.database.collection(collection).find({ referralId: rid }).toArray();
    const [statementRows, actionRows, measureRows, needRows] = await Promise.all(
      ['case_statements', 'case_plan_actions', 'case_wellbeing_measures', 'case_needs'].map(rows),
    );
    const createdCount = answered.filter((r) => r.status === 201).length;
    expect(statementRows!.length + actionRows!.length + measureRows!.length + needRows!.length).toBe(
      statements.length + actions.length + createdCount,
    );
    const dump = JSON.stringify([statementRows, actionRows, measureRows]);
    expect(dump).not.toContain(RACE);
    expect(dump).not.toContain('Before');
    for (const row of [...statementRows!, ...actionRows!, ...measureRows!])
      expect(row.redactedAt).toBeInstanceOf(Date);
  });
});
