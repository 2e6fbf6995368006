/**
 * The case record, part 1, on the real stack (Kafka, MongoDB replica set, Redis, the local OIDC
 * provider): contacts and the first contact (time set once, one PII-free
 * referral.first-contact-made on the lifecycle topic), case notes, the whole-record read, who may
 * do what (the owning organisation's people; a worker their own entries, a team lead any; the
 * referrer 403; anyone else 404), validation naming every field and storing nothing, the audit
 * trail with the person, and consent withdrawal leaving no free text in the database.
 */
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { Topics } from '@sp/contracts';
import {
  createOidcPerson,
  expectValidFhir,
  expectValidFhirByHapi,
  localOidcIssuersEnv,
  oidcSignIn,
  testInfra,
  waitFor,
} from '@sp/testing';
import {
  bootReferrals,
  DirectoryFeed,
  readTopicFromNow,
  send,
  startTokenServer,
  testPrincipals,
  testRun,
  waitForReplica,
  type Reply,
  type TokenServer,
  type TopicRecord,
} from './support';

const { run, id } = testRun('crn');
const ISSUER = 'http://referrals-case-record.test';
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
const FIRST_CONTACT = 'org.socialprescribing.referral.first-contact-made.v1';
const STARTED = 'org.socialprescribing.referral.started.v1';
/** Free text the spec writes; none of it may reach Kafka, nor survive consent withdrawal. */
const TEXT = {
  voicemail: 'Left a voicemail on her landline at 10:05',
  reached: 'Talked about her garden and the Thursday choir',
  corrected: 'Talked about her garden, the choir and her sister in Leeds',
  note: 'Ada finds mornings hardest; her daughter visits on Sundays',
  noteEdited: 'Ada finds mornings hardest; daughter visits Sundays, neighbour Tuesdays',
  deleted: 'Wrong patient: written in error about somebody else',
  childNote: 'Met Ada at the befriending cafe, she wants a phone buddy',
};

const iso = (ms = 0) => new Date(Date.now() + ms).toISOString();
const errorsOf = (reply: Reply) => (reply.body.errors ?? []) as { field: string; code: string }[];

describe('case record: contacts, notes, whole record, redaction (people signed in through the local OIDC provider)', () => {
  let tokenServer: TokenServer;
  let app: INestApplication;
  let url = '';
  let mongo: MongoClient;
  let database: Db;
  let tokens: Record<string, string>;
  const people: Record<'lead' | 'ali' | 'bea', { token: string; sub: string }> = {} as never;
  let reader: Consumer;
  const lifecycle: TopicRecord[] = [];

  const tokenOf = (who: string) => (who in people ? people[who as keyof typeof people].token : tokens[who]);
  const api = (
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => send(`${url}${path}`, { method, token: tokenOf(who), body, headers });
  const contact = (who: string, rid: string, body: Record<string, unknown>) =>
    api(who, 'POST', `/v1/referrals/${rid}/contacts`, body);
  const stored = (collection: string, rid: string) =>
    database.collection(collection).find({ referralId: rid }).toArray();

  async function referral(): Promise<string> {
    const created = await api('gp', 'POST', '/v1/referrals', {
      patient,
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
    expect((await api('lw', 'POST', `/v1/referrals/${rid}/accept`)).status).toBe(200);
    return rid;
  }

  beforeAll(async () => {
    tokenServer = await startTokenServer(ISSUER);
    tokens = await tokenServer.tokensFor({
      ...testPrincipals(org),
      lw2: { clientId: 'lw-2', organisationId: org.lw, role: 'link-worker', scopes: [] },
    });
    mongo = await MongoClient.connect(testInfra.mongoUrl, { maxPoolSize: 4 });
    database = mongo.db(db);
    reader = await readTopicFromNow(Topics.referralLifecycle.name, lifecycle);
    ({ app, url } = await bootReferrals(db, tokenServer, { OIDC_ISSUERS: localOidcIssuersEnv() }));
    const feed = new DirectoryFeed(run);
    feed.organisation(org.lw).organisation(org.vcsA);
    await feed.service(svc.lw, org.lw).service(svc.a, org.vcsA).publish();
    await waitForReplica(mongo, db, {
      services: Object.values(svc),
      verifiedOrganisations: [org.lw, org.vcsA],
    });
    const person = async (name: string, teamRole: 'worker' | 'team-lead') => {
      const login = await createOidcPerson({ organisationId: org.lw, role: 'link-worker', teamRole, name });
      const signedIn = await oidcSignIn(login.username, login.password);
      return { token: signedIn.accessToken, sub: signedIn.sub };
    };
    people.lead = await person('Chris Lead', 'team-lead');
    people.ali = await person('Ali Khan', 'worker');
    people.bea = await person('Bea Jones', 'worker');
  }, 240_000);

  afterAll(async () => {
    await reader?.disconnect();
    await app?.close();
    await mongo?.close();
    await tokenServer?.close();
  }, 60_000);

  it('the first reached contact sets the first-contact time once and publishes one referral.first-contact-made with no patient data or free text', async () => {
    const rid = await referral();
    const attempt = await contact('ali', rid, {
      at: iso(),
      method: 'phone',
      outcome: 'no-answer',
      summary: TEXT.voicemail,
    });
    expect(attempt.status).toBe(201);
    expect(attempt.headers.get('etag')).toBe('W/"1"');
    expect(attempt.body).toMatchObject({
      outcome: 'no-answer',
      summary: TEXT.voicemail,
      by: { organisationId: org.lw, person: { sub: people.ali.sub, name: 'Ali Khan' } },
    });
    const reachedAt = iso();
    const reached = await contact('ali', rid, {
      at: reachedAt,
      method: 'video',
      outcome: 'reached',
      summary: TEXT.reached,
    });
    expect(reached.status).toBe(201);
    // A later reached contact by someone else moves nothing.
    expect((await contact('bea', rid, { at: iso(), method: 'phone', outcome: 'reached' })).status).toBe(201);

    const record = await api('ali', 'GET', `/v1/referrals/${rid}/case-record`);
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ referralId: rid, readOnly: false, firstContactAt: reachedAt });
    expect(record.body.contacts.map((c: { outcome: string }) => c.outcome)).toEqual([
      'no-answer',
      'reached',
      'reached',
    ]);

    const history = await api('lw', 'GET', `/v1/referrals/${rid}/history`);
    const firsts = (
      history.body.history as { action: string; by: unknown; from: string; to: string }[]
    ).filter((h) => h.action === 'first-contact');
    expect(firsts).toEqual([
      expect.objectContaining({
        from: 'accepted',
        to: 'accepted',
        by: expect.objectContaining({ person: { sub: people.ali.sub, name: 'Ali Khan' } }),
      }),
    ]);

    // Correcting the first reached contact's time moves nothing and publishes nothing.
    const corrected = await api(
      'ali',
      'PATCH',
      `/v1/referrals/${rid}/contacts/${reached.body.id}`,
      { at: iso() },
      { 'if-match': 'W/"1"' },
    );
    expect(corrected.status).toBe(200);
    expect((await api('ali', 'GET', `/v1/referrals/${rid}/case-record`)).body.firstContactAt).toBe(reachedAt);

    // Every event published before `started` on the referral's partition has arrived once it has.
    expect((await api('lw', 'POST', `/v1/referrals/${rid}/start`)).status).toBe(200);
    await waitFor(() => lifecycle.some((e) => e.type === STARTED && e.data['referralId'] === rid), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'referral.started',
    });
    const events = lifecycle.filter((e) => e.type === FIRST_CONTACT && e.data['referralId'] === rid);
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    expect(events[0]!.key).toBe(rid);
    expect(events[0]!.data).toEqual({
      referralId: rid,
      requesterOrganisationId: org.gp,
      ownerOrganisationId: org.lw,
      targetServiceId: svc.lw,
      patientKey: expect.stringMatching(/^[0-9a-f]{64}$/),
      submittedAt: expect.any(String),
      firstContactAt: reachedAt,
      method: 'video',
      attemptsBefore: 1,
      occurredAt: expect.any(String),
    });
    for (const secret of [
      patient.nhsNumber,
      patient.givenName,
      patient.familyName,
      patient.birthDate,
      ...Object.values(TEXT),
      'Ali Khan',
    ])
      expect(events[0]!.raw).not.toContain(secret);
  });

  it('reached contacts recorded at the same moment make exactly one first contact (one history entry, one event)', async () => {
    const rid = await referral();
    const whos = ['ali', 'bea', 'lead', 'ali', 'bea', 'lead'];
    const replies = await Promise.all(
      whos.map((who) => contact(who, rid, { at: iso(), method: 'phone', outcome: 'reached' })),
    );
    expect(replies.map((r) => r.status)).toEqual(whos.map(() => 201));
    expect(await stored('case_contacts', rid)).toHaveLength(whos.length);
    const doc = await database.collection('referrals').findOne({ _id: rid as never });
    const firsts = (doc?.['history'] as { action: string }[]).filter((h) => h.action === 'first-contact');
    expect(firsts).toHaveLength(1);
    const times = replies.map((r) => r.body.at as string);
    expect(times).toContainEqual((doc?.['firstContactAt'] as Date).toISOString());

    expect((await api('lw', 'POST', `/v1/referrals/${rid}/start`)).status).toBe(200);
    await waitFor(() => lifecycle.some((e) => e.type === STARTED && e.data['referralId'] === rid), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'referral.started',
    });
    const events = lifecycle.filter((e) => e.type === FIRST_CONTACT && e.data['referralId'] === rid);
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    expect(events[0]!.data['attemptsBefore']).toBe(0);
  });

  it('bad contacts are refused naming every field, and nothing is stored', async () => {
    const rid = await referral();
    const shape = await contact('ali', rid, {
      at: 'yesterday',
      method: 'pigeon',
      outcome: 'maybe',
      summary: 'x'.repeat(2001),
      mood: 'low',
    });
    expect(shape.status).toBe(400);
    expect(shape.headers.get('content-type')).toContain('application/problem+json');
    expect(
      errorsOf(shape)
        .map((e) => e.field)
        .sort(),
    ).toEqual(['at', 'method', 'mood', 'outcome', 'summary']);
    const missing = await contact('ali', rid, {});
    expect(
      errorsOf(missing)
        .map((e) => `${e.field}:${e.code}`)
        .sort(),
    ).toEqual(['at:required', 'method:required', 'outcome:required']);
    const future = await contact('ali', rid, { at: iso(10 * 60_000), method: 'phone', outcome: 'reached' });
    expect(future.status).toBe(422);
    expect(errorsOf(future)).toEqual([expect.objectContaining({ field: 'at', code: 'in_future' })]);
    const early = await contact('ali', rid, {
      at: '2020-01-01T00:00:00Z',
      method: 'phone',
      outcome: 'reached',
    });
    expect(early.status).toBe(422);
    expect(errorsOf(early)).toEqual([expect.objectContaining({ field: 'at', code: 'before_referral' })]);
    const note = await api('ali', 'POST', `/v1/referrals/${rid}/notes`, { text: '', pinned: true });
    expect(note.status).toBe(400);
    expect(
      errorsOf(note)
        .map((e) => e.field)
        .sort(),
    ).toEqual(['pinned', 'text']);
    expect(await stored('case_contacts', rid)).toEqual([]);
    expect(await stored('case_notes', rid)).toEqual([]);
    const referralNow = await database.collection('referrals').findOne({ _id: rid as never });
    expect(referralNow?.['firstContactAt']).toBeUndefined();
  });

  it('only the owning organisation sees the record: the referrer 403, other organisations and ops 404', async () => {
    const rid = await referral();
    expect(
      (await contact('ali', rid, { at: iso(), method: 'phone', outcome: 'reached', summary: TEXT.reached }))
        .status,
    ).toBe(201);
    for (const [method, path, body] of [
      ['POST', 'contacts', { at: iso(), method: 'phone', outcome: 'reached' }],
      ['GET', 'contacts', undefined],
      ['POST', 'notes', { text: TEXT.note }],
      ['GET', 'notes', undefined],
      ['GET', 'case-record', undefined],
    ] as const) {
      const asGp = await api('gp', method, `/v1/referrals/${rid}/${path}`, body);
      expect([path, asGp.status, asGp.body.code]).toEqual([path, 403, 'CASE_RECORD.FORBIDDEN']);
      for (const who of ['otherGp', 'vcsA', 'ops']) {
        const other = await api(who, method, `/v1/referrals/${rid}/${path}`, body);
        expect([path, who, other.status]).toEqual([path, who, 404]);
        expect(JSON.stringify(other.body)).not.toContain(TEXT.reached);
      }
    }
    expect((await api('ali', 'GET', `/v1/referrals/no-such-referral/case-record`)).status).toBe(404);
    expect((await stored('case_contacts', rid)).length).toBe(1);
    expect(await stored('case_notes', rid)).toEqual([]);
  });

  it('a worker changes their own entries, a team lead any; a client without a person only its own; If-Match guards every change', async () => {
    const rid = await referral();
    const reached = await contact('ali', rid, {
      at: iso(),
      method: 'phone',
      outcome: 'reached',
      summary: TEXT.reached,
    });
    const cid = reached.body.id as string;
    const patchContact = (who: string, body: unknown, ifMatch?: string) =>
      api(who, 'PATCH', `/v1/referrals/${rid}/contacts/${cid}`, body, ifMatch ? { 'if-match': ifMatch } : {});

    expect((await patchContact('bea', { summary: TEXT.corrected })).body.code).toBe('CASE_RECORD.NOT_AUTHOR');
    expect((await patchContact('lw', { summary: TEXT.corrected })).status).toBe(403);
    expect((await patchContact('ali', {})).status).toBe(400);
    const byLead = await patchContact('lead', { method: 'face-to-face', summary: TEXT.corrected }, 'W/"1"');
    expect(byLead.status).toBe(200);
    expect(byLead.headers.get('etag')).toBe('W/"2"');
    expect(byLead.body).toMatchObject({
      method: 'face-to-face',
      summary: TEXT.corrected,
      by: { person: { sub: people.ali.sub } },
      updatedBy: { person: { sub: people.lead.sub, name: 'Chris Lead' } },
    });
    const stale = await patchContact('ali', { outcome: 'declined' }, 'W/"1"');
    expect([stale.status, stale.body.code]).toEqual([412, 'CASE_RECORD.VERSION_MISMATCH']);
    expect((await patchContact('ali', { outcome: 'declined' }, 'W/"2"')).status).toBe(200);
    expect(
      (await api('ali', 'PATCH', `/v1/referrals/${rid}/contacts/nope`, { outcome: 'declined' })).status,
    ).toBe(404);

    // Notes: written by Ali, then by an API client with no person.
    const note = await api('ali', 'POST', `/v1/referrals/${rid}/notes`, { text: TEXT.note });
    expect(note.status).toBe(201);
    const nid = note.body.id as string;
    const notePath = `/v1/referrals/${rid}/notes/${nid}`;
    expect((await api('bea', 'PATCH', notePath, { text: TEXT.noteEdited })).status).toBe(403);
    expect(
      (await api('ali', 'PATCH', notePath, { text: TEXT.noteEdited }, { 'if-match': 'W/"7"' })).status,
    ).toBe(412);
    const edited = await api('ali', 'PATCH', notePath, { text: TEXT.noteEdited }, { 'if-match': 'W/"1"' });
    expect([edited.status, edited.body.text, edited.body.version]).toEqual([200, TEXT.noteEdited, 2]);
    const clientNote = await api('lw', 'POST', `/v1/referrals/${rid}/notes`, { text: TEXT.deleted });
    expect(clientNote.body.by).toEqual({ clientId: 'lw', organisationId: org.lw });
    const clientNotePath = `/v1/referrals/${rid}/notes/${clientNote.body.id as string}`;
    expect((await api('lw2', 'DELETE', clientNotePath)).status).toBe(403);
    expect((await api('ali', 'DELETE', clientNotePath)).status).toBe(403);
    expect((await api('lw', 'DELETE', clientNotePath)).status).toBe(204);
    expect((await api('lw', 'DELETE', clientNotePath)).status).toBe(404);
    expect((await api('bea', 'DELETE', notePath)).status).toBe(403);

    const notes = await api('bea', 'GET', `/v1/referrals/${rid}/notes`);
    expect(notes.body.items.map((n: { text: string }) => n.text)).toEqual([TEXT.noteEdited]);
    const record = await api('lead', 'GET', `/v1/referrals/${rid}/case-record`);
    expect(record.body.notes.map((n: { id: string }) => n.id)).toEqual([nid]);
    // Deleted: kept for audit, with who deleted it.
    const kept = (await stored('case_notes', rid)).find((n) => n['_id'] === clientNote.body.id);
    expect(kept).toMatchObject({
      text: TEXT.deleted,
      deletedAt: expect.any(Date),
      updatedBy: { clientId: 'lw' },
    });

    // Every read and write is in the audit log, with the person.
    const audit = await database.collection('audit_log').find({ referralId: rid }).toArray();
    const entry = (action: string, sub?: string) =>
      audit.filter((a) => a['action'] === action && (sub === undefined || a['actor']?.person?.sub === sub));
    expect(entry('case.contact.create', people.ali.sub)).toHaveLength(1);
    expect(entry('case.contact.update', people.lead.sub)[0]).toMatchObject({
      outcome: 'allowed',
      actor: { person: { name: 'Chris Lead' } },
    });
    expect(entry('case.contact.update', people.bea.sub)[0]).toMatchObject({
      outcome: 'refused',
      code: 'CASE_RECORD.NOT_AUTHOR',
    });
    expect(
      entry('case.note.update', people.ali.sub)
        .map((a) => a['outcome'])
        .sort(),
    ).toEqual(['allowed', 'refused']);
    expect(entry('case.note.delete').length).toBeGreaterThanOrEqual(4);
    expect(entry('case.note.list', people.bea.sub)).toHaveLength(1);
    expect(entry('case.read', people.lead.sub)).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(TEXT.note);
  });

  it('contacts are FHIR Communications (category patient-contact) for the owning organisation only, valid R4 for both validators', async () => {
    const rid = await referral();
    const patientKey = (await database.collection('referrals').findOne({ _id: rid as never }))?.[
      'patientKey'
    ] as string;
    const tried = await contact('bea', rid, { at: iso(), method: 'text', outcome: 'no-answer' });
    const reached = await contact('ali', rid, {
      at: iso(),
      method: 'face-to-face',
      outcome: 'reached',
      summary: TEXT.reached,
    });
    const fhir = (who: string, path: string) =>
      send(`${url}/fhir${path}`, {
        method: 'GET',
        token: tokenOf(who),
        headers: { accept: 'application/fhir+json' },
      });

    const read = await fhir('lead', `/Communication/${reached.body.id as string}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('W/"1"');
    expect(read.body).toMatchObject({
      resourceType: 'Communication',
      status: 'completed',
      basedOn: [{ reference: `ServiceRequest/${rid}` }],
      partOf: [{ reference: `Task/${rid}` }],
      subject: { reference: `Patient/${patientKey}` },
      category: [{ coding: [{ code: 'patient-contact' }] }],
      medium: [
        {
          coding: [
            expect.objectContaining({ code: 'FACE' }),
            expect.objectContaining({ code: 'face-to-face' }),
          ],
        },
      ],
      sender: { identifier: { value: people.ali.sub }, display: 'Ali Khan' },
      payload: [{ contentString: TEXT.reached }],
    });
    const attempt = (await fhir('ali', `/Communication/${tried.body.id as string}`)).body;
    expect(attempt).toMatchObject({ status: 'not-done', statusReason: { coding: [{ code: 'no-answer' }] } });
    for (const resource of [read.body, attempt]) {
      expectValidFhir(resource);
      await expectValidFhirByHapi(resource);
    }

    const gpRead = await fhir('gp', `/Communication/${reached.body.id as string}`);
    expect(gpRead.status).toBe(403);
    expect(gpRead.body.resourceType).toBe('OperationOutcome');
    for (const who of ['otherGp', 'vcsA', 'ops'])
      expect((await fhir(who, `/Communication/${reached.body.id as string}`)).status).toBe(404);

    const byReferral = await fhir(
      'bea',
      `/Communication?based-on=ServiceRequest/${rid}&category=patient-contact`,
    );
    expect(byReferral.status).toBe(200);
    expect(byReferral.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 });
    expect(byReferral.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([
      tried.body.id,
      reached.body.id,
    ]);
    const page = await fhir('bea', `/Communication?subject=Patient/${patientKey}&_count=1`);
    expect(page.body.total).toBeGreaterThanOrEqual(2);
    expect(page.body.entry).toHaveLength(1);
    expect(page.body.link.map((l: { relation: string }) => l.relation)).toContain('next');
    expect(
      (await fhir('bea', `/Communication?based-on=ServiceRequest/${rid}&category=notification`)).body.total,
    ).toBe(0);
    // The referring practice and other organisations find none of them.
    for (const who of ['gp', 'vcsA', 'ops'])
      expect((await fhir(who, `/Communication?based-on=ServiceRequest/${rid}`)).body.total).toBe(0);
    const bad = await fhir('bea', '/Communication?category=http://example.org|x&subject=Group/1');
    expect(bad.status).toBe(400);
    // Search parameters are named in each issue's text (they are not FHIRPath expressions).
    expect(
      bad.body.issue.map((i: { details: { text: string } }) => i.details.text.split(':')[0]).sort(),
    ).toEqual(['category', 'subject']);

    const audit = await database.collection('audit_log').find({ referralId: rid }).toArray();
    expect(
      audit.filter((a) => a['action'] === 'case.contact.read' && a['outcome'] === 'allowed'),
    ).toHaveLength(2);
    expect(
      audit.filter((a) => a['action'] === 'case.contact.read' && a['outcome'] === 'refused'),
    ).toHaveLength(1);
    expect(
      audit.filter((a) => a['action'] === 'case.contact.search' && a['actor']?.person?.sub === people.bea.sub)
        .length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('consent withdrawal removes every free text of the tree’s case records in the database, keeps the codes, and makes the record read-only', async () => {
    const rid = await referral();
    const reachedAt = iso();
    const reached = await contact('ali', rid, {
      at: reachedAt,
      method: 'text',
      outcome: 'reached',
      summary: TEXT.reached,
    });
    expect(
      (
        await contact('bea', rid, {
          at: iso(),
          method: 'phone',
          outcome: 'no-answer',
          summary: TEXT.voicemail,
        })
      ).status,
    ).toBe(201);
    expect((await api('ali', 'POST', `/v1/referrals/${rid}/notes`, { text: TEXT.note })).status).toBe(201);
    const gone = await api('ali', 'POST', `/v1/referrals/${rid}/notes`, { text: TEXT.deleted });
    expect((await api('ali', 'DELETE', `/v1/referrals/${rid}/notes/${gone.body.id as string}`)).status).toBe(
      204,
    );
    // An onward referral to a VCS service, which keeps its own case record.
    expect((await api('lw', 'POST', `/v1/referrals/${rid}/start`)).status).toBe(200);
    const onward = await api('lw', 'POST', `/v1/referrals/${rid}/onward`, {
      targets: [{ targetServiceId: svc.a }],
    });
    expect(onward.status).toBe(201);
    const child = onward.body.children[0].id as string;
    expect((await api('vcsA', 'POST', `/v1/referrals/${child}/accept`)).status).toBe(200);
    expect((await api('vcsA', 'POST', `/v1/referrals/${child}/notes`, { text: TEXT.childNote })).status).toBe(
      201,
    );

    const withdrawn = await api('gp', 'POST', `/v1/referrals/${rid}/consent-withdrawal`);
    expect(withdrawn.status).toBe(200);

    // Nothing of the free text is left in the database; the coded facts are.
    const rows = [
      ...(await stored('case_contacts', rid)),
      ...(await stored('case_notes', rid)),
      ...(await stored('case_notes', child)),
    ];
    expect(rows).toHaveLength(5);
    const dump = JSON.stringify(rows);
    for (const text of Object.values(TEXT)) expect(dump).not.toContain(text);
    for (const row of rows) expect(row['redactedAt']).toBeInstanceOf(Date);
    const contacts = await stored('case_contacts', rid);
    expect(contacts.map((c) => [c['method'], c['outcome'], c['author']?.person?.sub]).sort()).toEqual(
      [
        ['phone', 'no-answer', people.bea.sub],
        ['text', 'reached', people.ali.sub],
      ].sort(),
    );
    expect((contacts.find((c) => c['_id'] === reached.body.id)?.['at'] as Date).toISOString()).toBe(
      reachedAt,
    );

    // Read-only, readable, redacted.
    const record = await api('ali', 'GET', `/v1/referrals/${rid}/case-record`);
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ readOnly: true, firstContactAt: reachedAt });
    expect(record.body.contacts).toHaveLength(2);
    expect(record.body.contacts[0]).not.toHaveProperty('summary');
    expect(record.body.notes).toEqual([expect.objectContaining({ redactedAt: expect.any(String) })]);
    expect(record.body.notes[0]).not.toHaveProperty('text');
    for (const [method, path, body] of [
      ['POST', `/v1/referrals/${rid}/contacts`, { at: iso(), method: 'phone', outcome: 'reached' }],
      ['PATCH', `/v1/referrals/${rid}/contacts/${reached.body.id as string}`, { summary: TEXT.corrected }],
      ['POST', `/v1/referrals/${rid}/notes`, { text: TEXT.note }],
      ['POST', `/v1/referrals/${child}/notes`, { text: TEXT.note }],
    ] as const) {
      const who = path.includes(child) ? 'vcsA' : 'lead';
      const refused = await api(who, method, path, body);
      expect([path, refused.status, refused.body.code]).toEqual([path, 409, 'CASE_RECORD.READ_ONLY']);
    }
    const again = [...(await stored('case_contacts', rid)), ...(await stored('case_notes', rid))];
    expect(JSON.stringify(again)).not.toContain(TEXT.note);
    expect(again).toHaveLength(4);
  });

  it('writes racing a consent withdrawal are either redacted by it or refused after it: no free text survives', async () => {
    const rid = await referral();
    const write = (i: number) =>
      i % 2 === 0
        ? api('ali', 'POST', `/v1/referrals/${rid}/notes`, { text: `${TEXT.note} #${i}` })
        : contact('bea', rid, {
            at: iso(),
            method: 'phone',
            outcome: 'no-answer',
            summary: `${TEXT.voicemail} #${i}`,
          });
    // Writes start a few milliseconds apart and the withdrawal starts among them, so some land
    // before it, some during it and some after it.
    const writes: Promise<Reply>[] = [];
    let withdrawal: Promise<Reply> | undefined;
    for (let i = 0; i < 16; i += 1) {
      if (i === 6) withdrawal = api('gp', 'POST', `/v1/referrals/${rid}/consent-withdrawal`);
      writes.push(write(i));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const replies = await Promise.all(writes);
    expect((await withdrawal!).status).toBe(200);
    for (const reply of replies) {
      expect([201, 409]).toContain(reply.status);
      if (reply.status === 409) expect(reply.body.code).toBe('CASE_RECORD.READ_ONLY');
    }
    const rows = [...(await stored('case_notes', rid)), ...(await stored('case_contacts', rid))];
    expect(rows).toHaveLength(replies.filter((r) => r.status === 201).length);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(TEXT.note);
    expect(dump).not.toContain(TEXT.voicemail);
  });
});
