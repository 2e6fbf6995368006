/**
 * The case record, part 2, on the real stack (Kafka, MongoDB, Redis): what matters and concerns,
 * coded needs over time, the support plan and its next due moment on the referral, wellbeing
 * measures and their ONS4 kept in step with the referral. The organisation holding the referral
 * acts through its API client (no person); people with their own tokens are in
 * case-plan-people.e2e-spec.ts. Set-up: support/case-record-world.ts.
 */
import {
  CaseRecordWorld,
  DAY,
  dayFromNow,
  errorFields,
  ukDayEnd,
  type Json,
} from './support/case-record-world';

const world = new CaseRecordWorld('cpe', { lwListing: { taxonomyTermIds: ['sp-need-loneliness'] } });
const { org, svc } = world;
const { api: call, referralDoc } = world;
/** A referral the link-worker organisation accepted and started (through its API client). */
const referral = (): Promise<string> => world.referral('lw', ['accept', 'start']);

describe('case record part 2: what matters, concerns, needs, plan and wellbeing end to end', () => {
  beforeAll(() => world.start(), 240_000);
  afterAll(() => world.stop(), 60_000);

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
    expect([wrongKind.status, errorFields(wrongKind)]).toEqual([400, ['status']]);
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
    expect([backwards.status, errorFields(backwards)]).toEqual([422, ['status']]);
    const early = await call('lw', 'PATCH', `/v1/referrals/${rid}/plan/actions/${second.body.id}`, {
      dueDate: dayFromNow(-3),
    });
    expect([early.status, errorFields(early)]).toEqual([422, ['dueDate']]);
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
});
