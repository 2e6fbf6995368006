/**
 * Case management on the real stack, as portal users use it: the four compiled services as
 * separate processes on the real Kafka, SecantusDB and Redis, people signed in at the local
 * OpenID Connect provider (authorization code + PKCE) acting with their own tokens.
 *
 * The run registers its own practice and link-worker organisation through the management API (so
 * the teams topic's per-organisation order and the directory cannot be disturbed by other runs),
 * then follows one referral: referred by the practice's system, accepted, assigned under a
 * caseload limit (the directory's capacity follows the team headroom), handed over with a reason
 * (inboxes and history name the people), worked (contacts, note, what matters, plan), its first
 * contact reported to analytics without patient data, and finally redacted on consent withdrawal.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { Topics } from '@sp/contracts';
import {
  createOidcPerson,
  localOidcIssuersEnv,
  oidcSignIn,
  startGroupsAtTopicsEnd,
  testInfra,
  uniqueName,
  waitFor,
} from '@sp/testing';
import {
  clientToken,
  lifecycleBytesOf,
  newRunNetwork,
  provisionApiClient,
  referWhenDirectoryReady,
  registerRunNetwork,
} from './support/case-management';
import { call, type HttpAnswer } from './support/scale-out';
import { freePort, runToCompletion, startService, type RunningService } from './support/service-process';

const run = uniqueName('case').replace(/-/g, '_');
const mongoFor = (service: string): string => testInfra.mongoUrlFor(`test_${run}_${service}`);

const PATIENT = {
  nhsNumber: '9434765919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1950-12-10',
};
/** Free text written into the case record: none of it may survive consent withdrawal. */
const TEXT = {
  noAnswer: `Rang twice, voicemail full ${run}`,
  reached: `Spoke with Ada about the allotment ${run}`,
  note: `Ada lives alone since her husband died ${run}`,
  whatMatters: `Getting back to the allotment ${run}`,
  action: `Visit the allotment society together ${run}`,
  handoverReason: `Ali starts leave on Monday ${run}`,
};

type Person = 'lead' | 'ali' | 'bea';
interface SignedIn {
  sub: string;
  name: string;
  token: string;
}

interface Item {
  id: string;
}
/** What the assertions read of an answer (success or problem document). */
interface Answer {
  code?: string;
  status?: string;
  assignment?: Record<string, unknown> | null;
  items?: Item[];
}
interface Author {
  person?: { sub: string; name?: string };
}
interface Statement {
  text?: string;
  status: string;
  redactedAt?: string;
}
interface CaseRecord {
  referralId: string;
  readOnly: boolean;
  firstContactAt?: string;
  contacts: Array<{ method: string; outcome: string; at: string; summary?: string; by: Author }>;
  notes: Array<{ text?: string; by: Author; redactedAt?: string }>;
  whatMatters: Statement[] | { items: Statement[] };
  plan: { actions: Array<{ status: string; dueDate: string; description?: string; redactedAt?: string }> };
}
const statements = (part: CaseRecord['whatMatters']): Statement[] =>
  Array.isArray(part) ? part : part.items;
interface InboxItem {
  kind: string;
  referralId: string;
  recipientPersonSub?: string;
  action?: string;
  reasonCode?: string;
}

describe('case management across the platform: people, caseloads, handover, case record, analytics, redaction', () => {
  const services: RunningService[] = [];
  const network = newRunNetwork(randomUUID);
  const people = {} as Record<Person, SignedIn>;
  let organisationsUrl = '';
  let ops = '';
  let practice = '';
  let referralId = '';

  const url = (name: RunningService['name']): string => {
    const found = services.find((s) => s.name === name);
    if (!found) throw new Error(`${name} not started`);
    return found.url;
  };
  const referrals = <T = Answer>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<HttpAnswer<T>> => call<T>(`${url('referrals')}${path}`, token, method, body);
  const as = (who: Person): string => people[who].token;
  const caseloadIds = async (who: Person): Promise<string[]> => {
    const answer = await referrals<{ items: Item[] }>(as(who), 'GET', '/v1/caseload?limit=100');
    expect(answer.status).toBe(200);
    return answer.body.items.map((i) => i.id);
  };
  const capacity = async () =>
    (
      await call<{ capacityStatus: string; teamHeadroom?: number; service_capacity: { available?: number } }>(
        `${organisationsUrl}/v1/directory/services/${network.service}/capacity`,
        ops,
      )
    ).body;
  const inbox = async (who: Person): Promise<InboxItem[]> => {
    const answer = await call<{ items: InboxItem[] }>(`${url('notifications')}/v1/inbox?limit=500`, as(who));
    expect(answer.status).toBe(200);
    return answer.body.items.filter((i) => i.referralId === referralId);
  };

  beforeAll(async () => {
    const organisationsPort = await freePort();
    organisationsUrl = `http://127.0.0.1:${organisationsPort}`;
    const common = {
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      REDIS_URL: testInfra.redisUrl,
      JWKS_URL: `${organisationsUrl}/.well-known/jwks.json`,
      TOKEN_ISSUER: organisationsUrl,
      OIDC_ISSUERS: localOidcIssuersEnv(),
      LOG_LEVEL: 'warn',
    };
    // Analytics and notifications read only what this run produces (see startGroupsAtTopicsEnd);
    // the organisations and referrals groups read the shared topics from the beginning.
    await startGroupsAtTopicsEnd(
      [`analytics-${run}`, `notifications-${run}`],
      [Topics.referralLifecycle, Topics.directory],
    );
    // Each process is kept as soon as it is up, so afterAll stops it even if another fails to start.
    const start = async (name: RunningService['name'], env: NodeJS.ProcessEnv): Promise<void> => {
      services.push(await startService(name, { ...common, ...env }));
    };
    await start('organisations', {
      PORT: String(organisationsPort),
      MONGO_URL: mongoFor('organisations'),
      KAFKA_GROUP_ID: `organisations-${run}`,
    });
    // The demo seed gives the operator's client (platform-ops); the run's network is its own.
    const clientsFile = join(tmpdir(), `${run}-demo-clients.json`);
    const [seed] = await Promise.all([
      runToCompletion('dist/services/organisations/src/demo/seed-demo.js', {
        ...common,
        MONGO_URL: mongoFor('organisations'),
        DEMO_CLIENTS_FILE: clientsFile,
      }),
      start('referrals', {
        MONGO_URL: mongoFor('referrals'),
        KAFKA_GROUP_ID: `referrals-${run}`,
        QUEUE_PREFIX: `${run}_referrals`,
      }),
      start('analytics', { MONGO_URL: mongoFor('analytics'), KAFKA_GROUP_ID: `analytics-${run}` }),
      start('notifications', {
        MONGO_URL: mongoFor('notifications'),
        KAFKA_GROUP_ID: `notifications-${run}`,
        QUEUE_PREFIX: `${run}_notifications`,
        DELIVERY_BACKOFF_MS: '200',
      }),
    ]);
    expect({ code: seed.code, output: seed.code === 0 ? '' : seed.output }).toEqual({ code: 0, output: '' });
    const { clients } = JSON.parse(await readFile(clientsFile, 'utf8')) as {
      clients: Array<{ clientId: string; clientSecret: string }>;
    };
    const opsClient = clients.find((c) => c.clientId === 'platform-ops')!;
    ops = await clientToken(organisationsUrl, opsClient.clientId, opsClient.clientSecret);

    expect(await registerRunNetwork(organisationsUrl, ops, network)).toEqual([]);
    const practiceClient = `${run}-practice-system`;
    const secret = await provisionApiClient(mongoFor('organisations'), {
      clientId: practiceClient,
      organisationId: network.practice.id,
      role: 'referrer',
    });
    practice = await clientToken(organisationsUrl, practiceClient, secret);

    // The team: a lead and two workers of the run's link-worker organisation, each signed in
    // through the local provider's real authorization-code + PKCE flow.
    const team: Array<[Person, 'team-lead' | 'worker', string]> = [
      ['lead', 'team-lead', 'Lee Grant'],
      ['ali', 'worker', 'Ali Khan'],
      ['bea', 'worker', 'Bea Jones'],
    ];
    for (const [who, teamRole, name] of team) {
      const person = await createOidcPerson({
        organisationId: network.linkWorkers.id,
        role: 'link-worker',
        teamRole,
        name,
        odsCode: network.linkWorkers.odsCode,
      });
      const signedIn = await oidcSignIn(person.username, person.password);
      expect(signedIn.sub).toBe(person.sub);
      people[who] = { sub: person.sub, name, token: signedIn.accessToken };
    }
  }, 240_000);

  afterAll(async () => {
    const codes = await Promise.all(
      services.map(async (s) => {
        const code = await s.stop('SIGTERM');
        return code === 0 ? `${s.name}:0` : `${s.name}:${code}\n${s.output().slice(-3000)}`;
      }),
    );
    expect(codes).toEqual(services.map((s) => `${s.name}:0`));
  }, 60_000);

  it('the practice refers and the team lead accepts; each person joins the roster by signing in', async () => {
    // People join the team roster on their first signed-in call.
    for (const who of ['lead', 'ali', 'bea'] as const) expect(await caseloadIds(who)).toEqual([]);
    const roster = await referrals<{ items: Array<{ sub: string; name?: string; teamRole: string }> }>(
      as('lead'),
      'GET',
      '/v1/team/members',
    );
    expect(roster.body.items.map((m) => [m.sub, m.name, m.teamRole]).sort()).toEqual(
      [
        [people.lead.sub, 'Lee Grant', 'team-lead'],
        [people.ali.sub, 'Ali Khan', 'worker'],
        [people.bea.sub, 'Bea Jones', 'worker'],
      ].sort(),
    );

    const posted = await referWhenDirectoryReady(url('referrals'), practice, `${run}-referral`, {
      patient: PATIENT,
      requesterOdsCode: network.practice.odsCode,
      targetServiceId: network.service,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    expect(posted.status).toBe(201);
    referralId = posted.body.id;

    const accepted = await referrals(as('lead'), 'POST', `/v1/referrals/${referralId}/accept`, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', ownerOrganisationId: network.linkWorkers.id });
  });

  it('a caseload limit and an assignment: the worker holds it and the directory shows the team headroom', async () => {
    // A worker may not set limits.
    const refused = await referrals(as('ali'), 'PUT', `/v1/team/members/${people.ali.sub}/caseload-limit`, {
      limit: 5,
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);

    const limited = await referrals(as('lead'), 'PUT', `/v1/team/members/${people.ali.sub}/caseload-limit`, {
      limit: 1,
    });
    expect(limited.status).toBe(200);
    const assigned = await referrals(as('lead'), 'PUT', `/v1/referrals/${referralId}/assignment`, {
      assigneeSub: people.ali.sub,
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignment).toMatchObject({ assigneeSub: people.ali.sub, assigneeName: 'Ali Khan' });

    expect(await caseloadIds('ali')).toEqual([referralId]);
    expect(await caseloadIds('bea')).toEqual([]);
    // A worker sees only their own caseload.
    const other = await referrals(as('bea'), 'GET', `/v1/caseload?assignee=${people.ali.sub}`);
    expect([other.status, other.body.code]).toEqual([403, 'CASELOAD.TEAM_LEAD_REQUIRED']);

    // Ali holds 1 under a limit of 1: no headroom, so the service is on a waitlist although its
    // declared maximum (10) is far from reached (team.caseload-changed -> organisations service).
    const full = await waitFor(
      async () => {
        const c = await capacity();
        return c.teamHeadroom === 0 ? c : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the capacity shows the team headroom 0' },
    );
    expect(full).toMatchObject({ capacityStatus: 'waitlist', service_capacity: { available: 0 } });

    // The limit holds: nothing more can be given to Ali (a second referral of the practice).
    const second = await referWhenDirectoryReady(url('referrals'), practice, `${run}-second`, {
      patient: { nhsNumber: '9000000009', givenName: 'Alan', familyName: 'Turing', birthDate: '1954-06-07' },
      requesterOdsCode: network.practice.odsCode,
      targetServiceId: network.service,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: new Date().toISOString(),
        scope: 'share-with-receiving-service',
      },
    });
    expect(second.status).toBe(201);
    expect((await referrals(as('bea'), 'POST', `/v1/referrals/${second.body.id}/accept`, {})).status).toBe(
      200,
    );
    const overLimit = await referrals(as('lead'), 'PUT', `/v1/referrals/${second.body.id}/assignment`, {
      assigneeSub: people.ali.sub,
    });
    expect([overLimit.status, overLimit.body.code]).toEqual([409, 'CASELOAD.LIMIT_REACHED']);
  });

  it('handover: the lead reassigns to Bea with a reason; caseloads, inboxes and history follow the people', async () => {
    const handed = await referrals(as('lead'), 'PUT', `/v1/referrals/${referralId}/assignment`, {
      assigneeSub: people.bea.sub,
      reasonCode: 'leave',
      reasonText: TEXT.handoverReason,
    });
    expect(handed.status).toBe(200);
    expect(handed.body.assignment).toMatchObject({ assigneeSub: people.bea.sub, version: 2 });
    expect(await caseloadIds('bea')).toEqual([referralId]);
    expect(await caseloadIds('ali')).toEqual([]);

    // Ali holds nothing now: one place of headroom again.
    await waitFor(async () => (await capacity()).teamHeadroom === 1 || undefined, {
      timeoutMs: 60_000,
      intervalMs: 500,
      description: 'the capacity shows the team headroom 1 after the handover',
    });

    // Each worker's inbox has their own notice, not the colleague's; no free text in either.
    const beaNotices = await waitFor(
      async () => {
        const items = await inbox('bea');
        return items.some((i) => i.action === 'reassigned') ? items : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: "the handover notice in Bea's inbox" },
    );
    const aliNotices = await waitFor(
      async () => {
        const items = await inbox('ali');
        return items.some((i) => i.kind === 'referral.handed-over') ? items : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: "the handed-over notice in Ali's inbox" },
    );
    const personal = (items: InboxItem[]) =>
      items
        .filter((i) => i.recipientPersonSub)
        .map((i) => [i.kind, i.recipientPersonSub, i.action, i.reasonCode ?? null])
        .sort();
    expect(personal(beaNotices)).toEqual([['referral.assigned', people.bea.sub, 'reassigned', 'leave']]);
    expect(personal(aliNotices)).toEqual(
      [
        ['referral.assigned', people.ali.sub, 'assigned', null],
        ['referral.handed-over', people.ali.sub, 'reassigned', 'leave'],
      ].sort(),
    );
    expect(JSON.stringify([...beaNotices, ...aliNotices])).not.toContain(TEXT.handoverReason);

    // The referral's history names the people who made each change and the holders.
    const history = await referrals<{
      history: Array<{
        action: string;
        by: { person?: { sub: string; name?: string } };
        assignment?: unknown;
      }>;
    }>(as('bea'), 'GET', `/v1/referrals/${referralId}/history`);
    expect(history.status).toBe(200);
    const byPerson = history.body.history.map((h) => [h.action, h.by.person?.name ?? null]);
    expect(byPerson).toEqual([
      ['submitted', null], // the practice's system: an API client, no person
      ['accepted', 'Lee Grant'],
      ['assigned', 'Lee Grant'],
      ['reassigned', 'Lee Grant'],
    ]);
    expect(history.body.history.at(-1)).toMatchObject({
      by: { person: { sub: people.lead.sub, name: 'Lee Grant' } },
      assignment: {
        assignee: { sub: people.bea.sub, name: 'Bea Jones' },
        previousAssignee: { sub: people.ali.sub, name: 'Ali Khan' },
        reason: { code: 'leave', text: TEXT.handoverReason },
      },
    });
  });

  it('Bea works the case: contacts, a note, what matters and a plan action read back as one record; the practice may not read it', async () => {
    const post = async (path: string, body: unknown) => {
      const answer = await referrals(as('bea'), 'POST', `/v1/referrals/${referralId}/${path}`, body);
      // The problem document is in the failure message when it is not a 201.
      expect({
        path,
        status: answer.status,
        ...(answer.status === 201 ? {} : { body: answer.body }),
      }).toEqual({
        path,
        status: 201,
      });
      return answer.body;
    };
    // Contacts happen after the referral was submitted and not in the future (422 otherwise): take
    // two moments between its submission and now (the steps before may take well under a second).
    const submitted = await referrals<{ createdAt: string }>(as('bea'), 'GET', `/v1/referrals/${referralId}`);
    const since = Date.parse(submitted.body.createdAt);
    const span = Date.now() - since;
    const noAnswerAt = new Date(since + Math.floor(span / 3)).toISOString();
    const reachedAt = new Date(since + Math.floor((2 * span) / 3)).toISOString();
    await post('contacts', { at: noAnswerAt, method: 'phone', outcome: 'no-answer', summary: TEXT.noAnswer });
    await post('contacts', { at: reachedAt, method: 'phone', outcome: 'reached', summary: TEXT.reached });
    await post('notes', { text: TEXT.note });
    await post('what-matters', { text: TEXT.whatMatters });
    const dueDate = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await post('plan/actions', {
      description: TEXT.action,
      owner: { kind: 'patient' },
      dueDate,
      status: 'planned',
    });

    const record = await referrals<CaseRecord>(as('bea'), 'GET', `/v1/referrals/${referralId}/case-record`);
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ referralId, readOnly: false, firstContactAt: reachedAt });
    expect(record.body.contacts.map((c) => [c.method, c.outcome, c.at, c.summary, c.by.person?.sub])).toEqual(
      [
        ['phone', 'no-answer', noAnswerAt, TEXT.noAnswer, people.bea.sub],
        ['phone', 'reached', reachedAt, TEXT.reached, people.bea.sub],
      ],
    );
    expect(record.body.notes.map((n) => [n.text, n.by.person?.name])).toEqual([[TEXT.note, 'Bea Jones']]);
    expect(statements(record.body.whatMatters).map((w) => [w.text, w.status])).toEqual([
      [TEXT.whatMatters, 'active'],
    ]);
    expect(record.body.plan.actions.map((a) => [a.description, a.status, a.dueDate])).toEqual([
      [TEXT.action, 'planned', dueDate],
    ]);

    // Ali, who handed it over, still reads it (same organisation); the practice is refused.
    expect((await referrals(as('ali'), 'GET', `/v1/referrals/${referralId}/case-record`)).status).toBe(200);
    const refused = await referrals(practice, 'GET', `/v1/referrals/${referralId}/case-record`);
    expect([refused.status, refused.body.code]).toEqual([403, 'CASE_RECORD.FORBIDDEN']);
    const refusedOps = await referrals(ops, 'GET', `/v1/referrals/${referralId}/case-record`);
    expect(refusedOps.status).toBe(404);

    // The caseload shows the first contact.
    const caseload = await referrals(as('bea'), 'GET', '/v1/caseload?waitingForFirstContact=false');
    expect(caseload.body.items).toEqual([
      expect.objectContaining({ id: referralId, firstContactAt: reachedAt }),
    ]);
  });

  it('the first contact reaches analytics, and nothing on Kafka or in analytics identifies the patient', async () => {
    const expected = { count: 1, medianDays: 0, p90Days: 0 };
    const forService = await waitFor(
      async () => {
        const answer = await call<{ timeToFirstContact: { count: number } | null }>(
          `${url('analytics')}/v1/stats/services/${network.service}`,
          ops,
        );
        return answer.status === 200 && answer.body.timeToFirstContact?.count === 1 ? answer.body : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, description: 'analytics counted the first contact' },
    );
    expect(forService.timeToFirstContact).toEqual(expected);
    // The practice sees its own figures, the link workers theirs as receivers.
    const practiceStats = await call<{
      organisations: Array<{ organisationId: string; timeToFirstContact: unknown }>;
    }>(`${url('analytics')}/v1/stats/referrals`, practice);
    expect(practiceStats.body.organisations).toEqual([
      expect.objectContaining({ organisationId: network.practice.id, timeToFirstContact: expected }),
    ]);
    const teamStats = await call<{ organisations: Array<{ timeToFirstContactAsReceiver: unknown }> }>(
      `${url('analytics')}/v1/stats/referrals`,
      as('lead'),
    );
    expect(teamStats.body.organisations[0]?.timeToFirstContactAsReceiver).toEqual(expected);

    // The event on the wire: ids, codes and times only.
    const records = await lifecycleBytesOf(referralId);
    const firstContact = records.filter((r) => r.type.endsWith('referral.first-contact-made.v1'));
    expect(firstContact).toHaveLength(1);
    expect(firstContact[0]!.bytes).toContain('"method":"phone"');
    expect(firstContact[0]!.bytes).toContain('"attemptsBefore":1');
    const wire = records.map((r) => r.bytes).join('\n');
    for (const identifier of [PATIENT.nhsNumber, PATIENT.givenName, PATIENT.familyName, PATIENT.birthDate])
      expect(wire).not.toContain(identifier);
    for (const text of Object.values(TEXT)) expect(wire).not.toContain(text);

    // The analytics fact of the referral (active read-model generation) holds no patient key.
    const connection = await mongoose.createConnection(mongoFor('analytics')).asPromise();
    try {
      const state = await connection
        .db!.collection<{ _id: string; active: number }>('read_model_generations')
        .findOne({ _id: 'read-models' });
      const stored = await connection.db!.collection(`g${state!.active}_referral_facts`).find({}).toArray();
      // Only this run's referrals (the group started at the topic's end), this one among them.
      const fact = stored.find((d) => String(d['_id']) === referralId);
      expect(fact).toMatchObject({ firstContactAt: expect.any(Date) });
      for (const doc of stored) expect(doc).not.toHaveProperty('patientKey');
      expect(JSON.stringify(stored)).not.toContain(PATIENT.nhsNumber);
      expect(JSON.stringify(stored)).not.toContain(PATIENT.birthDate);
    } finally {
      await connection.close();
    }
  });

  it("consent withdrawal by the practice removes the free text, keeps codes and times, and empties Bea's caseload", async () => {
    const before = (await referrals<CaseRecord>(as('bea'), 'GET', `/v1/referrals/${referralId}/case-record`))
      .body;
    const withdrawn = await referrals(practice, 'POST', `/v1/referrals/${referralId}/consent-withdrawal`, {});
    expect(withdrawn.status).toBe(200);

    const record = await referrals<CaseRecord>(as('bea'), 'GET', `/v1/referrals/${referralId}/case-record`);
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ readOnly: true, firstContactAt: before.firstContactAt });
    const dump = JSON.stringify(record.body);
    for (const text of Object.values(TEXT)) expect(dump).not.toContain(text);
    // Codes and times stay.
    expect(record.body.contacts.map((c) => [c.method, c.outcome, c.at, 'summary' in c])).toEqual(
      before.contacts.map((c) => [c.method, c.outcome, c.at, false]),
    );
    expect(record.body.notes).toEqual([expect.objectContaining({ redactedAt: expect.any(String) })]);
    expect(record.body.notes[0]).not.toHaveProperty('text');
    const whatMatters = statements(record.body.whatMatters);
    expect(whatMatters).toEqual([
      expect.objectContaining({ status: 'active', redactedAt: expect.any(String) }),
    ]);
    expect(whatMatters[0]).not.toHaveProperty('text');
    const actions = record.body.plan.actions;
    expect(actions).toEqual([
      expect.objectContaining({
        status: 'planned',
        dueDate: before.plan.actions[0]!.dueDate,
        redactedAt: expect.any(String),
      }),
    ]);
    expect(actions[0]).not.toHaveProperty('description');

    // Read-only, and gone from the caseload.
    const write = await referrals(as('bea'), 'POST', `/v1/referrals/${referralId}/notes`, {
      text: TEXT.note,
    });
    expect([write.status, write.body.code]).toEqual([409, 'CASE_RECORD.READ_ONLY']);
    expect(await caseloadIds('bea')).toEqual([]);
  });
});
