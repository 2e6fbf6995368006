/**
 * The case record, part 2 (what matters, concerns, needs, plan, wellbeing), on the real stack
 * (Kafka, MongoDB, Redis): who may read and write it (the organisation holding the referral; the
 * referring practice is refused, anyone else told nothing; all audited) and validation (a
 * malformed body 400, a broken rule 422, each naming every field; nothing stored). The
 * organisation acts through its API client (no person); people with their own tokens are in
 * case-plan-people.e2e-spec.ts. Set-up: support/case-record-world.ts.
 */
import { CaseRecordWorld, DAY, dayFromNow, errorFields } from './support/case-record-world';

const world = new CaseRecordWorld('cpa', { lwListing: { taxonomyTermIds: ['sp-need-loneliness'] } });
const { org } = world;
const { api: call, count, referralDoc } = world;
/** A referral the link-worker organisation accepted and started (through its API client). */
const referral = (): Promise<string> => world.referral('lw', ['accept', 'start']);

describe('case record part 2 (what matters, needs, plan, wellbeing): access and validation end to end', () => {
  beforeAll(() => world.start(), 240_000);
  afterAll(() => world.stop(), 60_000);

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

    const audit = await world.database
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
      expect([path, status, errorFields(reply)]).toEqual([path, status, expected]);
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
    expect([otherKind.status, errorFields(otherKind)]).toEqual([400, ['status']]);
    const future2 = await call('lw', 'PATCH', path, { recordedAt: future });
    expect([future2.status, errorFields(future2)]).toEqual([422, ['recordedAt']]);
    expect((await call('lw', 'GET', `/v1/referrals/${rid}/what-matters`)).body.items[0].version).toBe(1);
  });
});
