/**
 * Team roster, caseload limits, assignment and handover on the real stack (Kafka, MongoDB replica
 * set, Redis, the local OIDC provider), two instances of the referrals service on one database.
 * People sign in at the local identity provider (authorization code + PKCE) and act with their
 * own tokens. The events on Kafka (referral.assigned, team.caseload-changed) carry no patient data
 * and come exactly once per change.
 */
import { waitFor } from '@sp/testing';
import { CASELOAD_PATIENT, CaseloadWorld, idsOf } from './support/caseload-world';

const REASON_TEXT = 'Ali is on leave from Monday until the 14th';
const ASSIGNED = 'org.socialprescribing.referral.assigned.v1';
const TEAM = 'org.socialprescribing.team.caseload-changed.v1';

describe('team roster, caseload limits, assignment and handover (people signed in at the local OIDC provider)', () => {
  const w = new CaseloadWorld('cla');
  const sub = (who: 'lead' | 'ali' | 'bea' | 'cy') => w.sub(who);

  beforeAll(() => w.start(), 240_000);
  afterAll(() => w.stop(), 60_000);

  it('people join their organisation’s roster on their first signed-in call; GET /v1/team/members lists them', async () => {
    // Bea has not called yet: she cannot be assigned.
    const rid = await w.accepted();
    const early = await w.assign('lead', rid, { assigneeSub: sub('bea') });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([
      expect.objectContaining({ field: 'assigneeSub', code: 'not_on_roster' }),
    ]);
    for (const who of ['ali', 'bea'] as const) expect((await w.caseload(who)).status).toBe(200);
    const roster = await w.api('lead', 'GET', '/v1/team/members');
    expect(roster.status).toBe(200);
    const bySub = new Map((roster.body.items as { sub: string }[]).map((m) => [m.sub, m]));
    expect(bySub.get(sub('lead'))).toMatchObject({
      name: 'Chris Lead',
      teamRole: 'team-lead',
      caseloadLimit: null,
    });
    expect(bySub.get(sub('ali'))).toMatchObject({ name: 'Ali Khan', teamRole: 'worker', openAssigned: 0 });
    expect(bySub.get(sub('bea'))).toMatchObject({ name: 'Bea Jones', teamRole: 'worker' });
    expect(bySub.has(sub('cy'))).toBe(false); // another organisation's person
    const other = await w.api('cy', 'GET', '/v1/team/members');
    expect(other.body.items.map((m: { sub: string }) => m.sub)).toEqual([sub('cy')]);
  });

  it('a worker takes an unassigned referral; taking or giving anyone else’s needs a team lead', async () => {
    const rid = await w.accepted();
    const taken = await w.assign('ali', rid, { assigneeSub: sub('ali') });
    expect(taken.status).toBe(200);
    expect(taken.body.assignment).toMatchObject({
      assigneeSub: sub('ali'),
      assigneeName: 'Ali Khan',
      version: 1,
    });
    expect(taken.headers.get('etag')).toBe(`W/"${taken.body.version}"`);

    const other = await w.accepted();
    const refused = await w.assign('ali', other, { assigneeSub: sub('bea') });
    expect([refused.status, refused.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);
    const grab = await w.assign('bea', rid, { assigneeSub: sub('bea'), reasonCode: 'other' });
    expect([grab.status, grab.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);
    const drop = await w.api('bea', 'DELETE', `/v1/referrals/${rid}/assignment`);
    expect([drop.status, drop.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);
    const again = await w.assign('ali', rid, { assigneeSub: sub('ali') });
    expect([again.status, again.body.version]).toEqual([200, taken.body.version]); // nothing changed

    const history = await w.api('ali', 'GET', `/v1/referrals/${rid}/history`);
    expect(history.body.history.at(-1)).toMatchObject({
      action: 'assigned',
      from: 'accepted',
      to: 'accepted',
      by: { person: { sub: sub('ali'), name: 'Ali Khan' } },
      assignment: { version: 1, assignee: { sub: sub('ali'), name: 'Ali Khan' } },
    });
  });

  it('only the holding organisation assigns: the requester is refused (403), anyone else is not told (404)', async () => {
    const rid = await w.accepted();
    expect((await w.assign('gp', rid, { assigneeSub: sub('ali') })).status).toBe(403);
    expect((await w.assign('cy', rid, { assigneeSub: sub('cy') })).status).toBe(404);
    expect((await w.assign('vcsA', rid, { assigneeSub: sub('ali') })).status).toBe(404);
    const bad = await w.assign('lead', rid, {
      assigneeSub: 'no spaces allowed',
      reasonCode: 'holiday',
      extra: 1,
    });
    expect(bad.status).toBe(400); // malformed: every problem named
    expect(bad.body.errors.map((p: { field: string }) => p.field).sort()).toEqual([
      'assigneeSub',
      'extra',
      'reasonCode',
    ]);
    const stale = await w.api(
      'lead',
      'PUT',
      `/v1/referrals/${rid}/assignment`,
      { assigneeSub: sub('ali') },
      {
        'if-match': 'W/"1"',
      },
    );
    expect([stale.status, stale.body.code]).toEqual([412, 'REFERRAL.VERSION_MISMATCH']);
  });

  it('a caseload limit refuses the next assignment (409 naming the limit) until a team lead overrides', async () => {
    expect((await w.setLimit('ali', sub('bea'), 1)).status).toBe(403);
    expect((await w.setLimit('lw', sub('bea'), 1)).status).toBe(403);
    expect((await w.setLimit('lead', `nobody-${w.run}`, 1)).status).toBe(404);
    expect((await w.setLimit('cy', sub('bea'), 1)).status).toBe(404);
    const bad = await w.setLimit('lead', sub('bea'), 501);
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'limit']);
    const set = await w.setLimit('lead', sub('bea'), 1);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ sub: sub('bea'), caseloadLimit: 1, openAssigned: 0 });

    const [r1, r2] = [await w.accepted(), await w.accepted()];
    expect((await w.assign('lead', r1, { assigneeSub: sub('bea') })).status).toBe(200);
    const full = await w.assign('lead', r2, { assigneeSub: sub('bea') });
    expect([full.status, full.body.code]).toEqual([409, 'CASELOAD.LIMIT_REACHED']);
    expect(full.body.detail).toMatch(/limit is 1/);
    const client = await w.assign('lw', r2, { assigneeSub: sub('bea'), overrideLimit: true });
    expect([client.status, client.body.code]).toEqual([403, 'CASELOAD.OVERRIDE_NOT_PERMITTED']);
    expect((await w.assign('lw', r2, { assigneeSub: sub('bea') })).status).toBe(409);
    expect((await w.assign('lead', r2, { assigneeSub: sub('bea'), overrideLimit: true })).status).toBe(200);
    const roster = await w.api('bea', 'GET', '/v1/team/members');
    expect(roster.body.items.find((m: { sub: string }) => m.sub === sub('bea'))).toMatchObject({
      caseloadLimit: 1,
      openAssigned: 2,
    });
    expect((await w.setLimit('lead', sub('bea'), null)).status).toBe(200);
  });

  it('a handover needs a coded reason; the history keeps both holders and the caseloads follow', async () => {
    const rid = await w.accepted();
    expect((await w.assign('ali', rid, { assigneeSub: sub('ali') })).status).toBe(200);
    expect(idsOf(await w.caseload('ali'))).toContain(rid);

    const noReason = await w.assign('lead', rid, { assigneeSub: sub('bea') });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([
      expect.objectContaining({ field: 'reasonCode', code: 'required' }),
    ]);
    const body = { assigneeSub: sub('bea'), reasonCode: 'leave', reasonText: REASON_TEXT };
    const handed = await w.assign('lead', rid, body, 'second');
    expect(handed.status).toBe(200);
    expect(handed.body.assignment).toMatchObject({ assigneeSub: sub('bea'), version: 2 });

    expect(idsOf(await w.caseload('bea'))).toContain(rid);
    expect(idsOf(await w.caseload('ali'))).not.toContain(rid);
    // The referral itself says who holds it now.
    const read = await w.api('ali', 'GET', `/v1/referrals/${rid}`);
    expect(read.body.assignment).toMatchObject({
      assigneeSub: sub('bea'),
      assigneeName: 'Bea Jones',
      version: 2,
    });
    const history = (await w.api('bea', 'GET', `/v1/referrals/${rid}/history`)).body.history as {
      action: string;
      assignment?: unknown;
    }[];
    expect(history.filter((h) => h.assignment).map((h) => [h.action, h.assignment])).toEqual([
      ['assigned', { version: 1, assignee: { sub: sub('ali'), name: 'Ali Khan' } }],
      [
        'reassigned',
        {
          version: 2,
          assignee: { sub: sub('bea'), name: 'Bea Jones' },
          previousAssignee: { sub: sub('ali'), name: 'Ali Khan' },
          reason: { code: 'leave', text: REASON_TEXT },
        },
      ],
    ]);

    // Bea gives it back; it is then in the team's unassigned list.
    const back = await w.api('bea', 'DELETE', `/v1/referrals/${rid}/assignment`, {
      reasonCode: 'caseload-balance',
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ assignment: null, assignmentVersion: 3 });
    expect(idsOf(await w.caseload('bea'))).not.toContain(rid);
    expect(idsOf(await w.caseload('lead', '?assignee=none'))).toContain(rid);
  });

  it('two instances: concurrent assignments to one limited worker never exceed the limit; every figure change is published once', async () => {
    const held = (await w.caseload('ali')).body.total as number;
    const limit = held + 2;
    expect((await w.setLimit('lead', sub('ali'), limit)).status).toBe(200);
    const ids = await Promise.all(Array.from({ length: 6 }, () => w.accepted()));
    const replies = await Promise.all(
      ids.map((rid, i) =>
        w.assign('lead', rid, { assigneeSub: sub('ali') }, i % 2 === 0 ? 'first' : 'second'),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 409, 409, 409, 409]);
    expect((await w.caseload('ali')).body.total).toBe(limit);
    expect((await w.setLimit('lead', sub('ali'), null)).status).toBe(200);

    // One event per figure change: versions 1, 2, 3... with no gap or repeat, each with figures
    // different from the one before, the last equal to the figures recounted now.
    const team = await w.mongo
      .db(w.db)
      .collection('teams')
      .findOne({ _id: w.org.lw as never });
    await waitFor(() => w.teamEvents().length >= (team?.['teamVersion'] as number), {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'every team figure change published',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // nothing more should come
    const events = w.teamEvents();
    expect(events.every((e) => e.type === TEAM)).toBe(true);
    expect(events.map((e) => e.data['teamVersion'])).toEqual(events.map((_, i) => i + 1));
    for (let i = 1; i < events.length; i++) {
      const { teamVersion: _a, occurredAt: _b, ...previous } = events[i - 1]!.data;
      const { teamVersion: _c, occurredAt: _d, ...current } = events[i]!.data;
      expect(current).not.toEqual(previous);
    }
    const roster = (await w.api('lead', 'GET', '/v1/team/members')).body.items as { openAssigned: number }[];
    expect(events.at(-1)!.data).toMatchObject({
      organisationId: w.org.lw,
      workers: 3,
      workersWithLimit: 0,
      assigned: roster.reduce((n, m) => n + m.openAssigned, 0),
    });
    expect(events.at(-1)!.data).not.toHaveProperty('headroom');
    // While Bea's limit of 1 was set, the figures showed it.
    expect(events.some((e) => e.data['workersWithLimit'] === 1 && e.data['limitTotal'] === 1)).toBe(true);
  });

  it('referral.assigned: one event per change, staff ids and codes only, never patient data or reason text', async () => {
    await waitFor(
      () =>
        w.lifecycle.some(
          (e) => e.type === ASSIGNED && e.data['action'] === 'unassigned' && w.ours.has(e.key),
        ),
      { timeoutMs: 30_000, intervalMs: 250, description: 'the assignment events' },
    );
    const assigned = w.lifecycle.filter((e) => e.type === ASSIGNED && w.ours.has(e.key));
    const perReferral = new Map<string, number[]>();
    for (const e of assigned)
      perReferral.set(e.key, [...(perReferral.get(e.key) ?? []), e.data['assignmentVersion'] as number]);
    for (const versions of perReferral.values()) expect(versions).toEqual(versions.map((_, i) => i + 1));
    expect(assigned.find((e) => e.data['action'] === 'reassigned')!.data).toMatchObject({
      ownerOrganisationId: w.org.lw,
      targetServiceId: w.svc.lw,
      assigneeSub: sub('bea'),
      previousAssigneeSub: sub('ali'),
      reasonCode: 'leave',
      assignedBySub: sub('lead'),
      assignmentVersion: 2,
    });
    const bytes = [...assigned, ...w.teams].map((e) => e.raw).join('\n');
    const p = CASELOAD_PATIENT;
    for (const secret of [p.nhsNumber, p.givenName, p.familyName, p.birthDate, REASON_TEXT])
      expect(bytes).not.toContain(secret);
    expect(bytes).not.toContain('Ali Khan'); // staff names stay in the service too
  });
});
