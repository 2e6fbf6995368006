/**
 * The case record, part 2, written by people: link workers and a team lead of the PCN sign in at
 * the local OIDC provider (real authorization-code + PKCE flow) and act with their own tokens. A
 * worker changes only their own entries (what matters, concerns, needs, plan actions), a team lead
 * any; the organisation's API client acting with no person changes only its own person-less
 * entries; a person of another organisation is not told the referral exists. Every entry and audit
 * record names the person. Real Kafka, MongoDB and Redis. Set-up: support/case-record-world.ts.
 */
import { expectValidFhirByHapi } from '@sp/testing';
import { send } from './support';
import { CaseRecordWorld, dayFromNow } from './support/case-record-world';

const world = new CaseRecordWorld('cpp', {
  lwListing: { taxonomyTermIds: ['sp-need-loneliness'] },
  people: ['ali', 'bea', 'lead', 'vic'],
});
const { org } = world;
const { api: call } = world;
/** A referral Ali (a worker of the link-worker organisation) accepted. */
const referral = (): Promise<string> => world.referral('ali');

describe('case record part 2 written by people signed in through the organisation’s identity provider', () => {
  beforeAll(() => world.start(), 240_000);
  afterAll(() => world.stop(), 60_000);

  /** Ali's entries on a new referral: what matters, a concern, a need and a plan action. */
  async function alisEntries(rid: string) {
    const whatMatters = await call('ali', 'POST', `/v1/referrals/${rid}/what-matters`, {
      text: 'Dancing again',
    });
    const concern = await call('ali', 'POST', `/v1/referrals/${rid}/concerns`, { text: 'Bus fares' });
    const need = await call('ali', 'POST', `/v1/referrals/${rid}/needs`, {
      code: 'sp-need-benefits',
      status: 'active',
    });
    const action = await call('ali', 'POST', `/v1/referrals/${rid}/plan/actions`, {
      description: 'Find a tea dance on the bus route',
      owner: { kind: 'worker', sub: world.sub('ali'), display: 'Ali Khan' },
      dueDate: dayFromNow(6),
      status: 'planned',
    });
    for (const reply of [whatMatters, concern, need, action]) expect(reply.status).toBe(201);
    return {
      whatMatters: `/v1/referrals/${rid}/what-matters/${whatMatters.body.id}`,
      concern: `/v1/referrals/${rid}/concerns/${concern.body.id}`,
      action: `/v1/referrals/${rid}/plan/actions/${action.body.id}`,
      goalId: whatMatters.body.id as string,
      bodies: { whatMatters: whatMatters.body, need: need.body, action: action.body },
    };
  }

  it('each entry and each audit record names the person who wrote or read it', async () => {
    const rid = await referral();
    const ali = { sub: world.sub('ali'), name: 'Ali Khan' };
    const entries = await alisEntries(rid);
    expect(entries.bodies.whatMatters.by).toEqual({
      clientId: expect.any(String),
      organisationId: org.lw,
      person: ali,
    });
    expect(entries.bodies.need.addedBy.person).toEqual(ali);
    expect(entries.bodies.action.by.person).toEqual(ali);
    const measure = await call('ali', 'POST', `/v1/referrals/${rid}/wellbeing-measures`, {
      instrument: 'ons4',
      timepoint: 'baseline',
      takenAt: new Date().toISOString(),
      scores: { lifeSatisfaction: 5, worthwhile: 6, happiness: 5, anxiety: 4 },
    });
    expect(measure.body.by.person).toEqual(ali);
    // The referral's history names her as the one whose measure set its wellbeing.
    const history = await call('ali', 'GET', `/v1/referrals/${rid}/history`);
    expect(history.body.history.at(-1)).toMatchObject({ action: 'wellbeing-recorded', by: { person: ali } });
    expect((await call('bea', 'GET', `/v1/referrals/${rid}/plan`)).status).toBe(200);
    const goal = await send(`${world.url}/fhir/Goal/${entries.goalId}`, {
      method: 'GET',
      token: world.tokenOf('bea'),
    });
    expect(goal.status).toBe(200);
    await expectValidFhirByHapi(goal.body);

    const audit = await world.database.collection('audit_log').find({ referralId: rid }).toArray();
    const by = (sub: string, action: string) =>
      audit.some((a) => a.action === action && a.actor.person?.sub === sub && a.outcome === 'allowed');
    for (const action of [
      'case.what-matters.create',
      'case.concern.create',
      'case.need.record',
      'case.plan-action.create',
      'case.wellbeing-measure.create',
    ])
      expect([action, by(world.sub('ali'), action)]).toEqual([action, true]);
    expect(by(world.sub('bea'), 'case.plan.read')).toBe(true);
    expect(by(world.sub('bea'), 'case.goal.read')).toBe(true);
  });

  it('a worker changes only their own entries; another worker is refused (403) and nothing changes', async () => {
    const rid = await referral();
    const entries = await alisEntries(rid);
    const refused = [
      await call('bea', 'PATCH', entries.whatMatters, { text: 'Ballroom dancing' }),
      await call('bea', 'PATCH', entries.concern, { status: 'resolved' }),
      await call('bea', 'PATCH', entries.action, { status: 'done' }),
      await call('bea', 'POST', `/v1/referrals/${rid}/needs`, {
        code: 'sp-need-benefits',
        status: 'resolved',
      }),
      // The organisation's API client acting with no person may not change a person's entries either.
      await call('lw', 'PATCH', entries.whatMatters, { text: 'Ballroom dancing' }),
    ];
    for (const reply of refused)
      expect([reply.status, reply.body.code]).toEqual([403, 'CASE_RECORD.NOT_AUTHOR']);
    const statement = await world.database
      .collection('case_statements')
      .findOne({ _id: entries.goalId as never });
    expect(statement).toMatchObject({ text: 'Dancing again', version: 1 });
    expect(await world.database.collection('case_needs').findOne({ referralId: rid })).not.toHaveProperty(
      'resolvedAt',
    );
    expect((await call('ali', 'GET', `/v1/referrals/${rid}/plan`)).body.actions[0].status).toBe('planned');
    const audit = await world.database
      .collection('audit_log')
      .find({ referralId: rid, outcome: 'refused', 'actor.person.sub': world.sub('bea') })
      .toArray();
    expect(audit.map((a) => a.code)).toEqual(Array(4).fill('CASE_RECORD.NOT_AUTHOR'));

    // Her own entries she changes.
    const own = await call('ali', 'PATCH', entries.whatMatters, { text: 'Dancing again, with friends' });
    expect(own.status).toBe(200);
    expect(own.body.updatedBy.person.sub).toBe(world.sub('ali'));
  });

  it('a team lead changes anyone’s entries; the change names the lead', async () => {
    const rid = await referral();
    const entries = await alisEntries(rid);
    const lead = { sub: world.sub('lead'), name: 'Chris Lead' };
    const corrected = await call(
      'lead',
      'PATCH',
      entries.whatMatters,
      { status: 'achieved' },
      { 'if-match': 'W/"1"' },
    );
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({
      status: 'achieved',
      by: { person: { sub: world.sub('ali') } },
      updatedBy: { person: lead },
    });
    const done = await call('lead', 'PATCH', entries.action, { status: 'done' });
    expect(done.status).toBe(200);
    expect(done.body.updatedBy.person).toEqual(lead);
    const resolved = await call('lead', 'POST', `/v1/referrals/${rid}/needs`, {
      code: 'sp-need-benefits',
      status: 'resolved',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      addedBy: { person: { sub: world.sub('ali') } },
      resolvedBy: { person: lead },
    });
    // No open action left: the referral is no longer due.
    expect(
      (await world.database.collection('referrals').findOne({ _id: rid as never }))?.planNextDueAt,
    ).toBeUndefined();
  });

  it('a person of another organisation is not told the referral exists (404); the referring practice is refused (403)', async () => {
    const rid = await referral();
    const entries = await alisEntries(rid);
    for (const [method, path, body] of [
      ['GET', `/v1/referrals/${rid}/what-matters`, undefined],
      ['POST', `/v1/referrals/${rid}/what-matters`, { text: 'x' }],
      ['PATCH', entries.action, { status: 'done' }],
      ['GET', `/v1/referrals/${rid}/plan`, undefined],
    ] as const) {
      expect([path, (await call('vic', method, path, body)).status]).toEqual([path, 404]);
      const gp = await call('gp', method, path, body);
      expect([path, gp.status, gp.body.code]).toEqual([path, 403, 'CASE_RECORD.FORBIDDEN']);
    }
    expect(
      (await send(`${world.url}/fhir/CarePlan/${rid}`, { method: 'GET', token: world.tokenOf('vic') }))
        .status,
    ).toBe(404);
    expect(await world.database.collection('case_statements').countDocuments({ referralId: rid })).toBe(2);
  });
});
