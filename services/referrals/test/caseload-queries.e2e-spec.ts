/**
 * GET /v1/caseload on the real stack (Kafka, MongoDB replica set, Redis, the local OIDC provider),
 * two instances on one database (the second counts first contact as overdue after two seconds):
 * a worker's own caseload and a team lead's view of anyone's, the filters (status, first contact,
 * overdue), paging, the audit of every referral returned, and closing referrals (completed,
 * consent withdrawn) leaving the caseload with the team's figures recounted.
 */
import { waitFor } from '@sp/testing';
import { CASELOAD_PATIENT, CaseloadWorld, idsOf } from './support/caseload-world';

describe('caseload queries (people signed in at the local OIDC provider)', () => {
  const w = new CaseloadWorld('clq');
  const sub = (who: 'lead' | 'ali' | 'bea' | 'cy') => w.sub(who);
  let mine = '';
  let requested = '';

  beforeAll(async () => {
    await w.start();
    // Everyone calls once, so they are on the roster.
    for (const who of ['lead', 'ali', 'bea'] as const) expect((await w.caseload(who)).status).toBe(200);
    mine = await w.accepted();
    requested = await w.refer();
    expect((await w.assign('ali', mine, { assigneeSub: sub('ali') })).status).toBe(200);
    expect((await w.assign('lead', requested, { assigneeSub: sub('ali') })).status).toBe(200);
  }, 240_000);
  afterAll(() => w.stop(), 60_000);

  it('a worker sees their own open referrals, with what they need to recognise and prioritise each', async () => {
    const own = await w.caseload('ali');
    expect(own.status).toBe(200);
    expect(idsOf(own)).toEqual([mine, requested].sort());
    expect(own.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
    const item = (own.body.items as { id: string }[]).find((i) => i.id === mine);
    expect(item).toMatchObject({
      status: 'accepted',
      targetServiceId: w.svc.lw,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      patientName: 'Ada Lovelace',
      assignee: { sub: sub('ali'), name: 'Ali Khan' },
      overdue: [],
    });
    expect(JSON.stringify(own.body)).not.toContain(CASELOAD_PATIENT.nhsNumber);
    expect(JSON.stringify(own.body)).not.toContain(CASELOAD_PATIENT.birthDate);
    expect(idsOf(await w.caseload('bea'))).toEqual([]);
  });

  it('a worker may not look at a colleague’s caseload; a team lead and the API client may look at anyone’s', async () => {
    const refused = await w.caseload('ali', `?assignee=${sub('bea')}`);
    expect([refused.status, refused.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);
    const own = idsOf(await w.caseload('ali'));
    expect(idsOf(await w.caseload('lead', `?assignee=${sub('ali')}`))).toEqual(own);
    expect(idsOf(await w.caseload('lw', `?assignee=${sub('ali')}`))).toEqual(own);
    expect((await w.caseload('gp')).status).toBe(403); // a practice holds no caseload
    expect((await w.caseload('cy')).body.total).toBe(0); // another organisation's lead: their own team's
    const bad = await w.caseload('ali', '?status=completed&limit=0&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((p: { field: string }) => p.field).sort()).toEqual([
      'colour',
      'limit',
      'status[0]',
    ]);
  });

  it('a team lead sees the whole organisation or the unassigned; paging with limit and offset', async () => {
    const unassigned = await w.accepted();
    expect(idsOf(await w.caseload('lead', '?assignee=none'))).toEqual([unassigned]);
    const all = await w.caseload('lead');
    expect(idsOf(all)).toEqual([mine, requested, unassigned].sort());
    const page = await w.caseload('lead', '?limit=1&offset=1');
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.body.items.map((i: { id: string }) => i.id)).toEqual([all.body.items[1].id]);
  });

  it('filters by status (repeatable) and by first contact', async () => {
    expect(idsOf(await w.caseload('ali', '?status=requested'))).toEqual([requested]);
    expect(idsOf(await w.caseload('ali', '?status=requested&status=accepted'))).toEqual(
      [mine, requested].sort(),
    );
    expect(idsOf(await w.caseload('ali', '?waitingForFirstContact=true'))).toEqual([mine, requested].sort());

    const reached = await w.api('ali', 'POST', `/v1/referrals/${mine}/contacts`, {
      at: new Date().toISOString(),
      method: 'phone',
      outcome: 'reached',
    });
    expect(reached.status).toBe(201);
    expect(idsOf(await w.caseload('ali', '?waitingForFirstContact=true'))).toEqual([requested]);
    expect(idsOf(await w.caseload('ali', '?waitingForFirstContact=false'))).toEqual([mine]);
    const item = (await w.caseload('ali', '?waitingForFirstContact=false')).body.items[0];
    expect(item.firstContactAt).toEqual(expect.any(String));
  });

  it('overdue: no first contact within the target after acceptance or assignment', async () => {
    const late = await w.accepted();
    expect((await w.assign('ali', late, { assigneeSub: sub('ali') })).status).toBe(200);
    // The second instance's target is two seconds; the first's the default seven days.
    await waitFor(async () => idsOf(await w.caseload('ali', '?overdue=true', 'second')).includes(late), {
      timeoutMs: 15_000,
      intervalMs: 500,
      description: 'the referral is overdue for first contact',
    });
    const overdue = await w.caseload('ali', '?overdue=true', 'second');
    // `mine` was reached: not overdue however old.
    expect(idsOf(overdue)).toEqual([requested, late].sort());
    expect(overdue.body.items.find((i: { id: string }) => i.id === late).overdue).toEqual(['first-contact']);
    expect(idsOf(await w.caseload('ali', '?overdue=false', 'second'))).toEqual([mine]);
    expect(idsOf(await w.caseload('ali', '?overdue=true'))).toEqual([]);

    // A support plan with an action due in six days: its next review shows, not yet overdue
    // (a plan review is overdue once the earliest open action's due day has ended: unit-tested).
    const dueDate = new Date(Date.now() + 6 * 86_400_000).toISOString().slice(0, 10);
    const action = await w.api('ali', 'POST', `/v1/referrals/${late}/plan/actions`, {
      description: 'Find a tea dance on the bus route',
      owner: { kind: 'worker', sub: sub('ali') },
      dueDate,
      status: 'planned',
    });
    expect(action.status).toBe(201);
    const planned = (await w.caseload('ali', '?overdue=true', 'second')).body.items.find(
      (i: { id: string }) => i.id === late,
    );
    expect(planned.planNextDueAt).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    expect(new Date(planned.planNextDueAt).getTime()).toBeGreaterThan(Date.now() + 5 * 86_400_000);
    expect(planned.overdue).toEqual(['first-contact']);
  });

  it('every referral returned is audited with the person who read it', async () => {
    const before = await w.mongo
      .db(w.db)
      .collection('audit_log')
      .countDocuments({ action: 'caseload.read', 'actor.person.sub': sub('bea') });
    const rid = await w.accepted();
    expect((await w.assign('lead', rid, { assigneeSub: sub('bea') })).status).toBe(200);
    expect(idsOf(await w.caseload('bea'))).toEqual([rid]);
    const entries = await w.mongo
      .db(w.db)
      .collection('audit_log')
      .find({ action: 'caseload.read', 'actor.person.sub': sub('bea') })
      .toArray();
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({
      referralId: rid,
      outcome: 'allowed',
      actor: { organisationId: w.org.lw, person: { sub: sub('bea'), name: 'Bea Jones' } },
    });
  });

  it('a held referral that closes or whose consent is withdrawn leaves the caseload; the team figures are recounted', async () => {
    const [done, withdrawn] = [await w.accepted(), await w.accepted()];
    for (const rid of [done, withdrawn])
      expect((await w.assign('lead', rid, { assigneeSub: sub('bea') })).status).toBe(200);
    const roster = (await w.api('lead', 'GET', '/v1/team/members')).body.items as { openAssigned: number }[];
    const assignedBefore = roster.reduce((n, m) => n + m.openAssigned, 0);
    await waitFor(() => w.teamEvents().at(-1)?.data['assigned'] === assignedBefore, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'the figures after assigning',
    });

    const completed = await w.api('bea', 'POST', `/v1/referrals/${done}/complete`, {
      outcome: { codes: ['sp-outcome-attended'] },
    });
    expect(completed.status).toBe(200);
    expect((await w.api('gp', 'POST', `/v1/referrals/${withdrawn}/consent-withdrawal`)).status).toBe(200);
    expect(idsOf(await w.caseload('bea'))).not.toContain(done);
    expect(idsOf(await w.caseload('bea'))).not.toContain(withdrawn);
    await waitFor(() => w.teamEvents().at(-1)?.data['assigned'] === assignedBefore - 2, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'the figures recounted after the closing events',
    });
    const closed = await w.assign('lead', done, { assigneeSub: sub('ali'), reasonCode: 'other' });
    expect([closed.status, closed.body.code]).toEqual([409, 'CASELOAD.REFERRAL_CLOSED']);
    const noConsent = await w.assign('lead', withdrawn, { assigneeSub: sub('ali'), reasonCode: 'other' });
    expect([noConsent.status, noConsent.body.code]).toEqual([409, 'REFERRAL.CONSENT_WITHDRAWN']);
  });
});
