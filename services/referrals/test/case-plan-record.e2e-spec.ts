/**
 * The case record, part 2, on the real stack (Kafka, MongoDB, Redis, HAPI's validator): what
 * matters and concerns, coded needs over time, the support plan and its next due moment on the
 * referral, wellbeing measures and their ONS4 kept in step with the referral, the FHIR CarePlan
 * and Goal views, and redaction on consent withdrawal. The organisation holding the referral acts
 * here through its API client (no person); people with their own tokens are in
 * case-plan-people.e2e-spec.ts.
 */
import type { INestApplication } from '@nestjs/common';
import { MongoClient, type Db } from 'mongodb';
import { expectValidFhir, expectValidFhirByHapi, testInfra } from '@sp/testing';
import {
  bootReferrals,
  DirectoryFeed,
  send,
  startTokenServer,
  testPrincipals,
  testRun,
  waitForReplica,
  type Reply,
  type TokenServer,
} from './support';

const { run, id } = testRun('cpr');
const ISSUER = 'http://case-plan-record-e2e.test';

const org = {
  gp: id('org-gp'),
  otherGp: id('org-gp-other'),
  lw: id('org-lw'),
  vcsA: id('org-vcs-a'),
  vcsB: id('org-vcs-b'),
  vcsC: id('org-vcs-c'),
  ops: id('org-platform'),
};
const svc = { lw: id('svc-lw'), a: id('svc-a') };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const DAY = 24 * 60 * 60 * 1000;
/** A UK calendar day `days` from now (UTC date; two days of margin keep it clear of today's edge). */
const dayFromNow = (days: number): string => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** The end of a UK day in winter (GMT): the tests use December dates only when the run is in winter. */
const ukDayEnd = (day: string): string => {
  const end = new Date(`${day}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  const summer = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'short' })
    .format(end)
    .includes('BST');
  return new Date(end.getTime() - (summer ? 3_600_000 : 0)).toISOString();
};

describe('case record part 2 (what matters, needs, plan, wellbeing, CarePlan, Goal) end to end', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let url = '';
  let mongo: MongoClient;
  let database: Db;
  let tokens: Record<string, string>;
  const db = `test_${run}_referrals`;

  const call = (who: string, method: string, path: string, body?: unknown, headers = {}): Promise<Reply> =>
    send(`${url}${path}`, { method, token: tokens[who], body, headers });
  const fhir = (who: string, path: string): Promise<Reply> =>
    send(`${url}/fhir${path}`, {
      method: 'GET',
      token: tokens[who],
      headers: { accept: 'application/fhir+json' },
    });
  const fields = (reply: Reply): string[] =>
    (reply.body.errors as { field: string }[]).map((e) => e.field).sort();
  const count = (collection: string, referralId: string) =>
    database.collection(collection).countDocuments({ referralId });
  const referralDoc = async (rid: string): Promise<Json> =>
    database.collection('referrals').findOne({ _id: rid as never });

  async function referral(): Promise<string> {
    const created = await call('gp', 'POST', '/v1/referrals', {
      patient: { nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
      requesterOdsCode: 'A81001',
      targetServiceId: svc.lw,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    expect(created.status).toBe(201);
    const rid = created.body.id as string;
    for (const action of ['accept', 'start'])
      expect((await call('lw', 'POST', `/v1/referrals/${rid}/${action}`, {})).status).toBe(200);
    return rid;
  }

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    database = mongo.db(db);
    ({ app, url } = await bootReferrals(db, tokenServer));
    await new DirectoryFeed(run)
      .organisation(org.lw)
      .organisation(org.vcsA)
      .service(svc.lw, org.lw, { taxonomyTermIds: ['sp-need-loneliness'] })
      .service(svc.a, org.vcsA)
      .publish();
    await waitForReplica(mongo, db, { services: [svc.lw, svc.a], verifiedOrganisations: [org.lw, org.vcsA] });
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('only the organisation holding the referral reads and writes; the practice is refused (403), anyone else told nothing (404); all audited', async () => {
    const rid = await referral();
    const paths = ['what-matters', 'concerns', 'needs', 'plan', 'wellbeing-measures'];
    const bodies: Record<string, unknown> = {
      'what-matters': { text: 'Getting back to the allotment' },
      concerns: { text: 'Feels alone since moving' },
      needs: { code: 'sp-need-loneliness', status: 'active' },
      'plan/actions': {
        description: 'Visit the allotment society together',
        owner: { kind: 'patient' },
        dueDate: dayFromNow(7),
        status: 'planned',
      },
      'wellbeing-measures': {
        instrument: 'ons4',
        timepoint: 'baseline',
        takenAt: new Date().toISOString(),
        scores: { lifeSatisfaction: 4, worthwhile: 5, happiness: 3, anxiety: 7 },
      },
    };
    for (const [path, body] of Object.entries(bodies)) {
      expect([path, (await call('gp', 'POST', `/v1/referrals/${rid}/${path}`, body)).body.code]).toEqual([
        path,
        'CASE_RECORD.FORBIDDEN',
      ]);
      for (const who of ['vcsA', 'ops', 'otherGp'])
        expect([path, who, (await call(who, 'POST', `/v1/referrals/${rid}/${path}`, body)).status]).toEqual([
          path,
          who,
          404,
        ]);
    }
    for (const collection of [
      'case_statements',
      'case_needs',
      'case_plan_actions',
      'case_wellbeing_measures',
    ])
      expect([collection, await count(collection, rid)]).toEqual([collection, 0]);

    for (const [path, body] of Object.entries(bodies))
      expect([path, (await call('lw', 'POST', `/v1/referrals/${rid}/${path}`, body)).status]).toEqual([
        path,
        201,
      ]);
    for (const path of paths) {
      expect([path, (await call('lw', 'GET', `/v1/referrals/${rid}/${path}`)).status]).toEqual([path, 200]);
      const refused = await call('gp', 'GET', `/v1/referrals/${rid}/${path}`);
      expect([path, refused.status, refused.body.code]).toEqual([path, 403, 'CASE_RECORD.FORBIDDEN']);
      expect([path, (await call('vcsA', 'GET', `/v1/referrals/${rid}/${path}`)).status]).toEqual([path, 404]);
    }

    const whole = await call('lw', 'GET', `/v1/referrals/${rid}/case-record`);
    expect(whole.status).toBe(200);
    expect(whole.body.whatMatters).toEqual([
      expect.objectContaining({ text: 'Getting back to the allotment' }),
    ]);
    expect(whole.body.concerns).toEqual([expect.objectContaining({ text: 'Feels alone since moving' })]);
    expect(whole.body.needs).toEqual([
      expect.objectContaining({ code: 'sp-need-loneliness', status: 'active' }),
    ]);
    expect(whole.body.plan.actions).toHaveLength(1);
    expect(whole.body.wellbeing).toHaveLength(1);

    const audit = await database
      .collection('audit_log')
      .find({ referralId: rid, action: /^case\./ })
      .toArray();
    const seen = (action: string, organisationId: string, outcome: string) =>
      audit.some((a) => a.action === action && a.organisationId === organisationId && a.outcome === outcome);
    for (const action of [
      'case.what-matters.create',
      'case.concern.create',
      'case.need.record',
      'case.plan-action.create',
      'case.wellbeing-measure.create',
      'case.what-matters.list',
      'case.concern.list',
      'case.need.list',
      'case.plan.read',
      'case.wellbeing-measure.list',
    ])
      expect([action, seen(action, org.lw, 'allowed')]).toEqual([action, true]);
    expect(seen('case.what-matters.create', org.gp, 'refused')).toBe(true);
    expect(seen('case.what-matters.create', org.vcsA, 'denied')).toBe(true);
  });

  it('a malformed body is a 400 naming each malformed field, a rule broken a 422 naming each field; nothing is stored', async () => {
    const rid = await referral();
    const future = new Date(Date.now() + DAY).toISOString();
    const mycaw = { concern1: { description: 'Money', score: 4 }, wellbeing: 3 };
    const cases: [string, string, unknown, number, string[]][] = [
      // Shape: unknown fields, wrong codes or types, missing fields, too long, blank texts.
      [
        'POST',
        'what-matters',
        { text: 'x'.repeat(2001), recordedAt: future, mood: 'low' },
        400,
        ['mood', 'text'],
      ],
      ['POST', 'concerns', { text: '   ', status: 'achieved' }, 400, ['status', 'text']],
      ['POST', 'concerns', { text: 'x'.repeat(1001) }, 400, ['text']],
      ['POST', 'needs', { code: 7, status: 'gone' }, 400, ['code', 'status']],
      [
        'POST',
        'plan/actions',
        { description: 'x', owner: { kind: 'boss' }, dueDate: 'soon', status: 'later' },
        400,
        ['dueDate', 'owner.kind', 'status'],
      ],
      [
        'POST',
        'plan/actions',
        {
          description: ' ',
          owner: { kind: 'worker', display: 'y'.repeat(201) },
          dueDate: dayFromNow(-2),
          status: 'planned',
        },
        400,
        ['description', 'owner.display'],
      ],
      [
        'POST',
        'wellbeing-measures',
        {
          instrument: 'mycaw',
          timepoint: 'baseline',
          takenAt: future,
          scores: { concern1: { description: 'Money', score: 7 }, wellbeing: -1 },
        },
        400,
        ['scores.concern1.score', 'scores.wellbeing'],
      ],
      [
        'POST',
        'wellbeing-measures',
        {
          instrument: 'ons4',
          timepoint: 'later',
          takenAt: new Date().toISOString(),
          scores: { happiness: 11 },
        },
        400,
        ['scores.anxiety', 'scores.happiness', 'scores.lifeSatisfaction', 'scores.worthwhile', 'timepoint'],
      ],
      ['POST', 'what-matters', undefined, 400, ['text']],
      // Rules: well formed, but in the future, unknown to the taxonomy, not this case's...
      ['POST', 'what-matters', { text: 'Sing again', recordedAt: future }, 422, ['recordedAt']],
      ['POST', 'needs', { code: 'not-a-need', status: 'active', at: future }, 422, ['at', 'code']],
      ['POST', 'needs', { code: 'sp-need-debt', status: 'resolved' }, 422, ['code']],
      [
        'POST',
        'plan/actions',
        {
          description: 'Call the debt advice line',
          owner: { kind: 'worker' },
          dueDate: dayFromNow(-2),
          status: 'planned',
          onwardReferralId: 'not-a-child',
        },
        422,
        ['dueDate', 'onwardReferralId', 'owner.sub'],
      ],
      [
        'POST',
        'wellbeing-measures',
        { instrument: 'mycaw', timepoint: 'baseline', takenAt: future, scores: mycaw },
        422,
        ['takenAt'],
      ],
    ];
    for (const [method, path, body, status, expected] of cases) {
      const reply = await call('lw', method, `/v1/referrals/${rid}/${path}`, body);
      expect([path, reply.status, reply.body.code, reply.headers.get('content-type')]).toEqual([
        path,
        status,
        'VALIDATION.FAILED',
        expect.stringContaining('application/problem+json'),
      ]);
      expect([path, status, fields(reply)]).toEqual([path, status, expected]);
    }
    // A malformed body is refused before anything else is looked at, even for a referral the
    // caller may not see.
    const elsewhere = await call('vcsA', 'POST', `/v1/referrals/${rid}/what-matters`, { mood: 'low' });
    expect(elsewhere.status).toBe(400);
    for (const collection of [
      'case_statements',
      'case_needs',
      'case_plan_actions',
      'case_wellbeing_measures',
    ])
      expect([collection, await count(collection, rid)]).toEqual([collection, 0]);
    const after = await referralDoc(rid);
    expect(after.planNextDueAt).toBeUndefined();
    expect(after.wellbeing).toBeUndefined();

    // Changes: an empty one or a status of the other kind is malformed (400); a move an action may
    // not make is a broken rule (422).
    const statement = await call('lw', 'POST', `/v1/referrals/${rid}/what-matters`, { text: 'Choir' });
    const path = `/v1/referrals/${rid}/what-matters/${statement.body.id}`;
    expect((await call('lw', 'PATCH', path, {})).status).toBe(400);
    const otherKind = await call('lw', 'PATCH', path, { status: 'resolved' });
    expect([otherKind.status, fields(otherKind)]).toEqual([400, ['status']]);
    const future2 = await call('lw', 'PATCH', path, { recordedAt: future });
    expect([future2.status, fields(future2)]).toEqual([422, ['recordedAt']]);
    expect((await call('lw', 'GET', `/v1/referrals/${rid}/what-matters`)).body.items[0].version).toBe(1);
  });

  it('what matters and concerns: added, corrected (If-Match), marked achieved or no longer relevant', async () => {
    const rid = await referral();
    const recordedAt = new Date(Date.now() - 3 * DAY).toISOString();
    const added = await call('lw', 'POST', `/v1/referrals/${rid}/what-matters`, {
      text: 'Sing in a choir',
      recordedAt,
    });
    expect(added.status).toBe(201);
    expect(added.headers.get('etag')).toBe('W/"1"');
    expect(added.body).toMatchObject({
      kind: 'what-matters',
      status: 'active',
      recordedAt,
      version: 1,
      by: { organisationId: org.lw },
    });
    const path = `/v1/referrals/${rid}/what-matters/${added.body.id}`;
    expect(added.headers.get('location')).toBe(path);

    const stale = await call('lw', 'PATCH', path, { text: 'Sing in a choir again' }, { 'if-match': 'W/"7"' });
    expect([stale.status, stale.body.code]).toEqual([412, 'CASE_RECORD.VERSION_MISMATCH']);
    const corrected = await call(
      'lw',
      'PATCH',
      path,
      { text: 'Sing in a community choir' },
      { 'if-match': 'W/"1"' },
    );
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ text: 'Sing in a community choir', version: 2 });
    const achieved = await call('lw', 'PATCH', path, { status: 'achieved' });
    expect(achieved.body).toMatchObject({ status: 'achieved', version: 3 });
    expect(achieved.body.statusChangedAt).toBeDefined();
    const wrongKind = await call('lw', 'PATCH', path, { status: 'resolved' });
    expect([wrongKind.status, fields(wrongKind)]).toEqual([400, ['status']]);
    const concern = await call('lw', 'POST', `/v1/referrals/${rid}/concerns`, { text: 'Debt letters' });
    expect(
      (
        await call('lw', 'PATCH', `/v1/referrals/${rid}/concerns/${concern.body.id}`, {
          status: 'no-longer-relevant',
        })
      ).body.status,
    ).toBe('no-longer-relevant');
    // A concern is not a what-matters entry.
    expect(
      (
        await call('lw', 'PATCH', `/v1/referrals/${rid}/what-matters/${concern.body.id}`, {
          status: 'active',
        })
      ).status,
    ).toBe(404);
    const list = await call('lw', 'GET', `/v1/referrals/${rid}/what-matters`);
    expect(list.body.items.map((s: Json) => [s.text, s.status])).toEqual([
      ['Sing in a community choir', 'achieved'],
    ]);
  });

  it('coded needs over time: added and resolved with who and when; the intake needs stay as sent', async () => {
    const rid = await referral();
    const addedAt = new Date(Date.now() - 2 * DAY).toISOString();
    const debt = await call('lw', 'POST', `/v1/referrals/${rid}/needs`, {
      code: 'sp-need-debt',
      status: 'active',
      at: addedAt,
    });
    expect(debt.status).toBe(201);
    const snomed = await call('lw', 'POST', `/v1/referrals/${rid}/needs`, {
      code: '422650009',
      status: 'active',
    });
    expect(snomed.status).toBe(201);
    const again = await call('lw', 'POST', `/v1/referrals/${rid}/needs`, {
      code: 'sp-need-debt',
      status: 'active',
    });
    expect([again.status, again.body.errors]).toEqual([
      422,
      [expect.objectContaining({ field: 'code', code: 'already_active' })],
    ]);
    const resolved = await call('lw', 'POST', `/v1/referrals/${rid}/needs`, {
      code: 'sp-need-debt',
      status: 'resolved',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      id: debt.body.id,
      status: 'resolved',
      addedAt,
      resolvedBy: { organisationId: org.lw },
    });
    // Raised again later: a new entry.
    expect(
      (await call('lw', 'POST', `/v1/referrals/${rid}/needs`, { code: 'sp-need-debt', status: 'active' }))
        .status,
    ).toBe(201);

    const list = await call('lw', 'GET', `/v1/referrals/${rid}/needs`);
    expect(list.body.intakeNeeds).toEqual(['sp-need-loneliness']);
    expect(list.body.items.map((n: Json) => [n.code, n.status])).toEqual([
      ['sp-need-debt', 'resolved'],
      ['422650009', 'active'],
      ['sp-need-debt', 'active'],
    ]);
    expect(list.body.items[0]).toMatchObject({
      addedAt,
      addedBy: { clientId: 'lw', organisationId: org.lw },
    });
    expect((await referralDoc(rid)).needs).toEqual(['sp-need-loneliness']);
  });

  it('support plan: actions with validated moves; the referral’s planNextDueAt follows the earliest open action', async () => {
    const rid = await referral();
    const onward = await call('lw', 'POST', `/v1/referrals/${rid}/onward`, {
      targets: [{ targetServiceId: svc.a }],
    });
    expect(onward.status).toBe(201);
    const child = onward.body.children[0].id as string;
    const [soon, later] = [dayFromNow(3), dayFromNow(10)];
    const first = await call('lw', 'POST', `/v1/referrals/${rid}/plan/actions`, {
      description: 'Phone the befriending service together',
      owner: { kind: 'organisation', organisationId: org.vcsA, display: 'Befriending Tees' },
      dueDate: soon,
      status: 'planned',
      onwardReferralId: child,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      onwardReferralId: child,
      status: 'planned',
      dueDate: soon,
      version: 1,
    });
    const second = await call('lw', 'POST', `/v1/referrals/${rid}/plan/actions`, {
      description: 'Walk to the library',
      owner: { kind: 'patient' },
      dueDate: later,
      status: 'in-progress',
    });
    expect(second.status).toBe(201);
    expect((await referralDoc(rid)).planNextDueAt.toISOString()).toBe(ukDayEnd(soon));
    const plan = await call('lw', 'GET', `/v1/referrals/${rid}/plan`);
    expect(plan.body.nextDueAt).toBe(ukDayEnd(soon));
    expect(plan.body.actions.map((a: Json) => a.id)).toEqual([first.body.id, second.body.id]);

    const path = `/v1/referrals/${rid}/plan/actions/${first.body.id}`;
    const stale = await call('lw', 'PATCH', path, { status: 'done' }, { 'if-match': 'W/"9"' });
    expect(stale.status).toBe(412);
    const done = await call('lw', 'PATCH', path, { status: 'done' }, { 'if-match': 'W/"1"' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', version: 2 });
    expect(done.body.closedAt).toBeDefined();
    expect((await referralDoc(rid)).planNextDueAt.toISOString()).toBe(ukDayEnd(later));
    const reopened = await call('lw', 'PATCH', path, { status: 'planned' });
    expect([reopened.status, reopened.body.errors]).toEqual([
      422,
      [expect.objectContaining({ field: 'status', code: 'final' })],
    ]);
    const backwards = await call('lw', 'PATCH', `/v1/referrals/${rid}/plan/actions/${second.body.id}`, {
      status: 'planned',
    });
    expect([backwards.status, fields(backwards)]).toEqual([422, ['status']]);
    const early = await call('lw', 'PATCH', `/v1/referrals/${rid}/plan/actions/${second.body.id}`, {
      dueDate: dayFromNow(-3),
    });
    expect([early.status, fields(early)]).toEqual([422, ['dueDate']]);
    const cancelled = await call('lw', 'PATCH', `/v1/referrals/${rid}/plan/actions/${second.body.id}`, {
      status: 'cancelled',
    });
    expect(cancelled.status).toBe(200);
    expect((await referralDoc(rid)).planNextDueAt).toBeUndefined();
  });

  it('wellbeing: ONS4 and MYCaW recorded; the latest ONS4 of each timepoint is the referral’s wellbeing', async () => {
    const rid = await referral();
    const ons4 = (lifeSatisfaction: number) => ({
      lifeSatisfaction,
      worthwhile: 5,
      happiness: 4,
      anxiety: 6,
    });
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
    const post = (body: unknown) => call('lw', 'POST', `/v1/referrals/${rid}/wellbeing-measures`, body);
    const versionBefore = (await referralDoc(rid)).version as number;

    expect(
      (await post({ instrument: 'ons4', timepoint: 'baseline', takenAt: at(2), scores: ons4(3) })).status,
    ).toBe(201);
    let doc = await referralDoc(rid);
    expect(doc.wellbeing).toEqual({ baseline: ons4(3) });
    expect(doc.version).toBe(versionBefore + 1);
    expect(doc.history.at(-1)).toMatchObject({
      action: 'wellbeing-recorded',
      by: { organisationId: org.lw },
    });

    // Taken earlier but entered later: the referral keeps the later one.
    expect(
      (await post({ instrument: 'ons4', timepoint: 'baseline', takenAt: at(5), scores: ons4(1) })).status,
    ).toBe(201);
    expect((await referralDoc(rid)).wellbeing).toEqual({ baseline: ons4(3) });
    const mycaw = await post({
      instrument: 'mycaw',
      timepoint: 'baseline',
      takenAt: at(2),
      scores: {
        concern1: { description: 'Money worries', score: 5 },
        concern2: { description: 'Sleep', score: 3 },
        wellbeing: 4,
      },
    });
    expect(mycaw.status).toBe(201);
    expect(
      (await post({ instrument: 'ons4', timepoint: 'follow-up', takenAt: at(0), scores: ons4(7) })).status,
    ).toBe(201);
    doc = await referralDoc(rid);
    expect(doc.wellbeing).toEqual({ baseline: ons4(3), followUp: ons4(7) });

    const view = await call('lw', 'GET', `/v1/referrals/${rid}`);
    expect(view.body.wellbeing).toEqual({ baseline: ons4(3), followUp: ons4(7) });
    const list = await call('lw', 'GET', `/v1/referrals/${rid}/wellbeing-measures`);
    expect(list.body.items.map((m: Json) => [m.instrument, m.timepoint])).toEqual([
      ['ons4', 'baseline'],
      ['ons4', 'baseline'],
      ['mycaw', 'baseline'],
      ['ons4', 'follow-up'],
    ]);
    // Completing the referral reports the wellbeing the case record set (referral.completed).
    const completed = await call('lw', 'POST', `/v1/referrals/${rid}/complete`, {
      outcome: { codes: ['sp-outcome-attended'] },
    });
    expect(completed.status).toBe(200);
    expect(completed.body.wellbeing).toEqual({ baseline: ons4(3), followUp: ons4(7) });
  });

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
    const audit = await database
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

    const statements = await database.collection('case_statements').find({ referralId: rid }).toArray();
    expect(statements).toHaveLength(2);
    for (const s of statements) {
      expect(s.text).toBeUndefined();
      expect(s.redactedAt).toBeInstanceOf(Date);
      expect(s.kind).toBeDefined();
      expect(s.recordedAt).toBeInstanceOf(Date);
    }
    const [action] = await database.collection('case_plan_actions').find({ referralId: rid }).toArray();
    expect(action!.description).toBeUndefined();
    expect(action!.owner).toEqual({ kind: 'organisation', organisationId: org.vcsA });
    expect(action).toMatchObject({ dueDate, status: 'planned', redactedAt: expect.any(Date) });
    const [measure] = await database
      .collection('case_wellbeing_measures')
      .find({ referralId: rid })
      .toArray();
    expect(measure!.scores).toEqual({ concern1: { score: 4 }, wellbeing: 3 });
    expect(measure!.redactedAt).toBeInstanceOf(Date);
    const [need] = await database.collection('case_needs').find({ referralId: rid }).toArray();
    expect(need).toMatchObject({ code: 'sp-need-loneliness' });
    const stored = JSON.stringify(
      await Promise.all(
        ['case_statements', 'case_plan_actions', 'case_wellbeing_measures'].map((c) =>
          database.collection(c).find({ referralId: rid }).toArray(),
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
      database.collection(collection).find({ referralId: rid }).toArray();
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
