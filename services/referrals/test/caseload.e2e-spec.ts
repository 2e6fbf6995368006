/**
 * Caseload and assignment on the real stack (Kafka, MongoDB replica set, Redis, the local OIDC
 * provider), two instances of the referrals service on one database. People sign in through the
 * local identity provider (authorization code + PKCE) and act with their own tokens: they join
 * their organisation's roster, take referrals, a team lead assigns, limits refuse and are
 * overridden, a handover keeps both holders in the history and moves the referral between
 * caseloads, caseload filters, and the events on Kafka (referral.assigned, team.caseload-changed)
 * carry no patient data and come exactly once per change.
 */
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Topics } from '@sp/contracts';
import { ensureTopics } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import {
  createOidcPerson,
  localOidcIssuersEnv,
  oidcSignIn,
  testInfra,
  uniqueName,
  waitFor,
} from '@sp/testing';
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

const { run, id } = testRun('cld');
const ISSUER = 'http://referrals-caseload.test';
const db = `test_${run}_referrals`;
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
const patient = {
  nhsNumber: '9434765919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1950-12-10',
};
const REASON_TEXT = 'Ali is on leave from Monday until the 14th';
const ASSIGNED = 'org.socialprescribing.referral.assigned.v1';
const TEAM = 'org.socialprescribing.team.caseload-changed.v1';

interface Seen {
  type: string;
  key: string;
  raw: string;
  data: Record<string, unknown>;
}

/** Reads a topic from its current end (a fresh group that joined before anything is produced). */
async function readFromNow(topic: string, seen: Seen[]): Promise<Consumer> {
  const kafka = new Kafka({
    clientId: `reader-${run}`,
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: uniqueName(`caseload-reader-${topic}`) });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const raw = message.value?.toString() ?? '';
      const headers = Object.entries(message.headers ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('\n');
      const envelope = JSON.parse(raw) as { data?: Record<string, unknown> };
      seen.push({
        type: String(message.headers?.['ce_type'] ?? ''),
        key: message.key?.toString() ?? '',
        raw: `${raw}\n${headers}`,
        data: envelope.data ?? (envelope as Record<string, unknown>),
      });
    },
  });
  await waitFor(() => joined, { timeoutMs: 60_000, intervalMs: 100, description: `reader joined ${topic}` });
  return consumer;
}

describe('caseload and assignment (people signed in through the local OIDC provider)', () => {
  let tokenServer: TokenServer;
  let first: INestApplication;
  let second: INestApplication;
  const url = { first: '', second: '' };
  let mongo: MongoClient;
  let tokens: Record<string, string>;
  const people: Record<'lead' | 'ali' | 'bea' | 'cy', { token: string; sub: string }> = {} as never;
  const readers: Consumer[] = [];
  const lifecycle: Seen[] = [];
  const teams: Seen[] = [];
  const ours = new Set<string>();

  const tokenOf = (who: string) => (who in people ? people[who as keyof typeof people].token : tokens[who]);
  const api = (
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    instance: keyof typeof url = 'first',
  ): Promise<Reply> => send(`${url[instance]}${path}`, { method, token: tokenOf(who), body, headers });
  const assign = (
    who: string,
    rid: string,
    body: Record<string, unknown>,
    instance: keyof typeof url = 'first',
  ) => api(who, 'PUT', `/v1/referrals/${rid}/assignment`, body, {}, instance);
  const sub = (who: keyof typeof people) => people[who].sub;

  async function refer(): Promise<string> {
    const created = await api('gp', 'POST', '/v1/referrals', {
      patient,
      requesterOdsCode: 'A81001',
      targetServiceId: svc.lw,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      note: 'Lives alone since her husband died',
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    expect(created.status).toBe(201);
    ours.add(created.body.id as string);
    return created.body.id as string;
  }

  async function accepted(): Promise<string> {
    const rid = await refer();
    expect((await api('lw', 'POST', `/v1/referrals/${rid}/accept`)).status).toBe(200);
    return rid;
  }

  const caseload = async (who: string, query = '', instance: keyof typeof url = 'first') => {
    const reply = await api(who, 'GET', `/v1/caseload${query}`, undefined, {}, instance);
    return reply;
  };
  const idsOf = (reply: Reply) => (reply.body.items as { id: string }[]).map((i) => i.id).sort();

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor(testPrincipals(org));
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    await ensureTopics({ brokers: testInfra.kafkaBrokers, clientId: `test-${run}` }, [Topics.teams], {
      logger: createLogger('test', 'warn'),
    });
    readers.push(await readFromNow(Topics.referralLifecycle.name, lifecycle));
    readers.push(await readFromNow(Topics.teams.name, teams));
    const env = { OIDC_ISSUERS: localOidcIssuersEnv() };
    ({ app: first, url: url.first } = await bootReferrals(db, tokenServer, env));
    // The second instance counts first contact as overdue after about two seconds.
    ({ app: second, url: url.second } = await bootReferrals(db, tokenServer, {
      ...env,
      FIRST_CONTACT_TARGET_DAYS: String(2 / 86_400),
    }));
    const feed = new DirectoryFeed(run);
    feed.organisation(org.lw).organisation(org.vcsA);
    await feed.service(svc.lw, org.lw).service(svc.a, org.vcsA).publish();
    await waitForReplica(mongo, db, {
      services: Object.values(svc),
      verifiedOrganisations: [org.lw, org.vcsA],
    });
    const person = async (name: string, teamRole: 'worker' | 'team-lead', organisationId = org.lw) => {
      const login = await createOidcPerson({ organisationId, role: 'link-worker', teamRole, name });
      const signedIn = await oidcSignIn(login.username, login.password);
      expect(signedIn.sub).toBe(login.sub);
      return { token: signedIn.accessToken, sub: signedIn.sub };
    };
    people.lead = await person('Chris Lead', 'team-lead');
    people.ali = await person('Ali Khan', 'worker');
    people.bea = await person('Bea Jones', 'worker');
    people.cy = await person('Cy Other', 'team-lead', org.vcsA);
  }, 240_000);

  afterAll(async () => {
    for (const reader of readers) await reader.disconnect();
    await first?.close();
    await second?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('people join their organisation’s roster on their first signed-in call; GET /v1/team/members lists them', async () => {
    // Bea has not called yet: she cannot be assigned.
    const rid = await accepted();
    const early = await assign('lead', rid, { assigneeSub: sub('bea') });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'assigneeSub', code: 'not_on_roster' })]),
    );
    for (const who of ['ali', 'bea'] as const) expect((await caseload(who)).status).toBe(200);
    const roster = await api('lead', 'GET', '/v1/team/members');
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
    expect(
      (await api('cy', 'GET', '/v1/team/members')).body.items.map((m: { sub: string }) => m.sub),
    ).toEqual([sub('cy')]);
  });

  it('a worker takes an unassigned referral; taking or giving anyone else’s needs a team lead', async () => {
    const rid = await accepted();
    const taken = await assign('ali', rid, { assigneeSub: sub('ali') });
    expect(taken.status).toBe(200);
    expect(taken.body.assignment).toMatchObject({
      assigneeSub: sub('ali'),
      assigneeName: 'Ali Khan',
      version: 1,
    });
    expect(taken.headers.get('etag')).toBe(`W/"${taken.body.version}"`);

    const other = await accepted();
    const refused = await assign('ali', other, { assigneeSub: sub('bea') });
    expect([refused.status, refused.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);
    const grab = await assign('bea', rid, { assigneeSub: sub('bea'), reasonCode: 'other' });
    expect([grab.status, grab.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);
    const drop = await api('bea', 'DELETE', `/v1/referrals/${rid}/assignment`);
    expect([drop.status, drop.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);

    const history = await api('ali', 'GET', `/v1/referrals/${rid}/history`);
    expect(history.body.history.at(-1)).toMatchObject({
      action: 'assigned',
      from: 'accepted',
      to: 'accepted',
      by: { person: { sub: sub('ali'), name: 'Ali Khan' } },
      assignment: { version: 1, assignee: { sub: sub('ali'), name: 'Ali Khan' } },
    });
  });

  it('only the holding organisation assigns: the requester is refused (403), anyone else is not told (404)', async () => {
    const rid = await accepted();
    expect((await assign('gp', rid, { assigneeSub: sub('ali') })).status).toBe(403);
    expect((await assign('cy', rid, { assigneeSub: sub('cy') })).status).toBe(404);
    expect((await assign('vcsA', rid, { assigneeSub: sub('ali') })).status).toBe(404);
    const bad = await assign('lead', rid, {
      assigneeSub: 'no spaces allowed',
      reasonCode: 'holiday',
      extra: 1,
    });
    expect(bad.status).toBe(400); // malformed: every problem named
    const fields = bad.body.errors.map((p: { field: string }) => p.field).sort();
    expect(fields).toEqual(['assigneeSub', 'extra', 'reasonCode']);
    const stale = await api(
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
    expect(
      (await api('ali', 'PUT', `/v1/team/members/${sub('bea')}/caseload-limit`, { limit: 1 })).status,
    ).toBe(403);
    expect(
      (await api('lw', 'PUT', `/v1/team/members/${sub('bea')}/caseload-limit`, { limit: 1 })).status,
    ).toBe(403);
    expect(
      (await api('lead', 'PUT', `/v1/team/members/nobody-${run}/caseload-limit`, { limit: 1 })).status,
    ).toBe(404);
    expect(
      (await api('cy', 'PUT', `/v1/team/members/${sub('bea')}/caseload-limit`, { limit: 1 })).status,
    ).toBe(404);
    expect(
      (await api('lead', 'PUT', `/v1/team/members/${sub('bea')}/caseload-limit`, { limit: 501 })).status,
    ).toBe(400);
    const set = await api('lead', 'PUT', `/v1/team/members/${sub('bea')}/caseload-limit`, { limit: 1 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ sub: sub('bea'), caseloadLimit: 1, openAssigned: 0 });

    const [r1, r2] = [await accepted(), await accepted()];
    expect((await assign('lead', r1, { assigneeSub: sub('bea') })).status).toBe(200);
    const full = await assign('lead', r2, { assigneeSub: sub('bea') });
    expect([full.status, full.body.code]).toEqual([409, 'CASELOAD.LIMIT_REACHED']);
    expect(full.body.detail).toMatch(/limit is 1/);
    const client = await assign('lw', r2, { assigneeSub: sub('bea'), overrideLimit: true });
    expect([client.status, client.body.code]).toEqual([403, 'CASELOAD.OVERRIDE_NOT_PERMITTED']);
    expect((await assign('lw', r2, { assigneeSub: sub('bea') })).status).toBe(409);
    const overridden = await assign('lead', r2, { assigneeSub: sub('bea'), overrideLimit: true });
    expect(overridden.status).toBe(200);
    const roster = await api('bea', 'GET', '/v1/team/members');
    expect(roster.body.items.find((m: { sub: string }) => m.sub === sub('bea'))).toMatchObject({
      caseloadLimit: 1,
      openAssigned: 2,
    });
    expect(
      (await api('lead', 'PUT', `/v1/team/members/${sub('bea')}/caseload-limit`, { limit: null })).status,
    ).toBe(200);
  });

  it('a handover needs a coded reason; the history keeps both holders and the caseloads follow', async () => {
    const rid = await accepted();
    expect((await assign('ali', rid, { assigneeSub: sub('ali') })).status).toBe(200);
    expect(idsOf(await caseload('ali'))).toContain(rid);

    const noReason = await assign('lead', rid, { assigneeSub: sub('bea') });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([
      expect.objectContaining({ field: 'reasonCode', code: 'required' }),
    ]);
    const handed = await assign(
      'lead',
      rid,
      { assigneeSub: sub('bea'), reasonCode: 'leave', reasonText: REASON_TEXT },
      'second',
    );
    expect(handed.status).toBe(200);
    expect(handed.body.assignment).toMatchObject({ assigneeSub: sub('bea'), version: 2 });

    expect(idsOf(await caseload('bea'))).toContain(rid);
    expect(idsOf(await caseload('ali'))).not.toContain(rid);
    const history = (await api('bea', 'GET', `/v1/referrals/${rid}/history`)).body.history as {
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

    // Bea gives it back; the team lead could also have unassigned it.
    const back = await api('bea', 'DELETE', `/v1/referrals/${rid}/assignment`, {
      reasonCode: 'caseload-balance',
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ assignment: null, assignmentVersion: 3 });
    expect(idsOf(await caseload('bea'))).not.toContain(rid);
    expect(idsOf(await caseload('lead', '?assignee=none'))).toContain(rid);
  });

  it('caseload: a worker sees their own, a team lead anyone’s; filters by status, first contact, overdue', async () => {
    const mine = await accepted();
    const requested = await refer();
    expect((await assign('ali', mine, { assigneeSub: sub('ali') })).status).toBe(200);
    expect((await assign('lead', requested, { assigneeSub: sub('ali') })).status).toBe(200);

    const own = await caseload('ali');
    expect(own.status).toBe(200);
    expect(idsOf(own)).toEqual(expect.arrayContaining([mine, requested]));
    const item = (own.body.items as { id: string }[]).find((i) => i.id === mine);
    expect(item).toMatchObject({
      status: 'accepted',
      targetServiceId: svc.lw,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      patientName: 'Ada Lovelace',
      assignee: { sub: sub('ali'), name: 'Ali Khan' },
      overdue: [],
    });
    expect(JSON.stringify(own.body)).not.toContain(patient.nhsNumber);
    expect(
      (own.body.items as { assignee: { sub: string } }[]).every((i) => i.assignee.sub === sub('ali')),
    ).toBe(true);

    expect((await caseload('ali', `?assignee=${sub('bea')}`)).status).toBe(403);
    expect(idsOf(await caseload('lead', `?assignee=${sub('ali')}`))).toEqual(idsOf(own));
    expect(idsOf(await caseload('lw', `?assignee=${sub('ali')}`))).toEqual(idsOf(own));
    expect(idsOf(await caseload('ali', '?status=requested'))).toEqual([requested]);
    expect(idsOf(await caseload('ali', '?status=requested&status=accepted'))).toEqual(idsOf(own));
    expect(idsOf(await caseload('ali', '?waitingForFirstContact=true'))).toEqual(idsOf(own));
    expect((await caseload('ali', '?status=completed&limit=0')).status).toBe(400);
    expect((await caseload('gp')).status).toBe(403);

    // Paging.
    const page = await caseload('lead', '?limit=1&offset=1');
    expect(page.body).toMatchObject({ limit: 1, offset: 1 });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.total).toBeGreaterThanOrEqual(2);

    // The second instance's first-contact target is two seconds.
    await waitFor(async () => idsOf(await caseload('ali', '?overdue=true', 'second')).includes(mine), {
      timeoutMs: 15_000,
      intervalMs: 500,
      description: 'the referral is overdue for first contact',
    });
    const overdue = (await caseload('ali', '?overdue=true', 'second')).body.items.find(
      (i: { id: string }) => i.id === mine,
    );
    expect(overdue.overdue).toEqual(['first-contact']);
    expect(idsOf(await caseload('ali', '?overdue=false', 'second'))).not.toContain(mine);
    expect(idsOf(await caseload('ali', '?overdue=true'))).not.toContain(mine); // 7 days on the first

    // Every referral returned is audited, with the person who read it.
    const audit = await mongo
      .db(db)
      .collection('audit_log')
      .find({ action: 'caseload.read', referralId: mine, 'actor.person.sub': sub('ali') })
      .toArray();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('an assigned referral that closes leaves the caseload and the team figures are recounted', async () => {
    const rid = await accepted();
    expect((await assign('lead', rid, { assigneeSub: sub('bea') })).status).toBe(200);
    const before = teams.filter((t) => t.key === org.lw).length;
    const done = await api('bea', 'POST', `/v1/referrals/${rid}/complete`, {
      outcome: { codes: ['sp-outcome-attended'] },
    });
    expect(done.status).toBe(200);
    expect(idsOf(await caseload('bea'))).not.toContain(rid);
    await waitFor(() => teams.filter((t) => t.key === org.lw).length > before, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'team figures after the closing event',
    });
    const closed = await assign('lead', rid, { assigneeSub: sub('ali'), reasonCode: 'other' });
    expect([closed.status, closed.body.code]).toEqual([409, 'CASELOAD.REFERRAL_CLOSED']);
  });

  it('two instances: concurrent assignments to one limited worker never exceed the limit; every figure change is published once', async () => {
    const held = (await caseload('ali')).body.total as number;
    const limit = held + 2;
    expect(
      (await api('lead', 'PUT', `/v1/team/members/${sub('ali')}/caseload-limit`, { limit })).status,
    ).toBe(200);
    const ids = await Promise.all(Array.from({ length: 6 }, () => accepted()));
    const replies = await Promise.all(
      ids.map((rid, i) => assign('lead', rid, { assigneeSub: sub('ali') }, i % 2 === 0 ? 'first' : 'second')),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 409, 409, 409, 409]);
    expect((await caseload('ali')).body.total).toBe(limit);
    expect(
      (await api('lead', 'PUT', `/v1/team/members/${sub('ali')}/caseload-limit`, { limit: null })).status,
    ).toBe(200);

    // The team events: one per figure change, versions 1, 2, 3... with no gap or repeat, and the
    // last one equal to the figures recounted now.
    const team = await mongo
      .db(db)
      .collection('teams')
      .findOne({ _id: org.lw as never });
    await waitFor(() => teams.filter((t) => t.key === org.lw).length >= (team?.['teamVersion'] as number), {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'every team figure change published',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // nothing more should come
    const events = teams.filter((t) => t.key === org.lw);
    expect(events.every((e) => e.type === TEAM)).toBe(true);
    const versions = events.map((e) => e.data['teamVersion']);
    expect(versions).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    for (let i = 1; i < events.length; i++) {
      const { teamVersion: _a, occurredAt: _b, ...previous } = events[i - 1]!.data;
      const { teamVersion: _c, occurredAt: _d, ...current } = events[i]!.data;
      expect(current).not.toEqual(previous);
    }
    const roster = (await api('lead', 'GET', '/v1/team/members')).body.items as { openAssigned: number }[];
    const assigned = roster.reduce((n, m) => n + m.openAssigned, 0);
    expect(events.at(-1)!.data).toMatchObject({
      organisationId: org.lw,
      workers: 3,
      workersWithLimit: 0,
      assigned,
    });
    expect(events.at(-1)!.data).not.toHaveProperty('headroom');
  });

  it('referral.assigned events: one per change, staff ids and codes only, never patient data or reason text', async () => {
    await waitFor(
      () =>
        lifecycle.some((e) => e.type === ASSIGNED && e.data['action'] === 'unassigned' && ours.has(e.key)),
      { timeoutMs: 30_000, intervalMs: 250, description: 'the assignment events' },
    );
    const assigned = lifecycle.filter((e) => e.type === ASSIGNED && ours.has(e.key));
    const perReferral = new Map<string, number[]>();
    for (const e of assigned) {
      const list = perReferral.get(e.key) ?? [];
      list.push(e.data['assignmentVersion'] as number);
      perReferral.set(e.key, list);
    }
    for (const versions of perReferral.values())
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    expect(assigned.find((e) => e.data['action'] === 'reassigned')!.data).toMatchObject({
      ownerOrganisationId: org.lw,
      targetServiceId: svc.lw,
      assigneeSub: sub('bea'),
      previousAssigneeSub: sub('ali'),
      reasonCode: 'leave',
      assignedBySub: sub('lead'),
      assignmentVersion: 2,
    });
    const bytes = [...assigned, ...teams].map((e) => e.raw).join('\n');
    for (const secret of [
      patient.nhsNumber,
      patient.givenName,
      patient.familyName,
      patient.birthDate,
      REASON_TEXT,
    ])
      expect(bytes).not.toContain(secret);
    expect(bytes).not.toContain('Ali Khan'); // staff names stay in the service too
  });
});
