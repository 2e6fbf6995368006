/**
 * The case record, part 1, on the real stack (Kafka, MongoDB replica set, Redis, the local OIDC
 * provider, HAPI's validator): contacts as FHIR Communications for the owning organisation only,
 * consent withdrawal leaving no free text of the referral tree's contacts and notes in the
 * database, and writes racing a withdrawal. Set-up: support/case-record-world.ts.
 */
import { expectValidFhir, expectValidFhirByHapi } from '@sp/testing';
import type { Reply } from './support';
import { CASE_TEXT as TEXT, CaseRecordWorld, isoFromNow as iso } from './support/case-record-world';

const world = new CaseRecordWorld('crf', { people: ['lead', 'ali', 'bea'] });
const { svc } = world;
const { api, contact, fhir, stored } = world;
/** A referral the link-worker organisation accepted (through its API client). */
const referral = (): Promise<string> => world.referral();

describe('case record: Communications, redaction and races with consent withdrawal (people signed in through the local OIDC provider)', () => {
  beforeAll(() => world.start(), 240_000);
  afterAll(() => world.stop(), 60_000);

  it('contacts are FHIR Communications (category patient-contact) for the owning organisation only, valid R4 for both validators', async () => {
    const rid = await referral();
    const patientKey = (await world.database.collection('referrals').findOne({ _id: rid as never }))?.[
      'patientKey'
    ] as string;
    const tried = await contact('bea', rid, { at: iso(), method: 'text', outcome: 'no-answer' });
    const reached = await contact('ali', rid, {
      at: iso(),
      method: 'face-to-face',
      outcome: 'reached',
      summary: TEXT.reached,
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
      sender: { identifier: { value: world.sub('ali') }, display: 'Ali Khan' },
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

    const audit = await world.database.collection('audit_log').find({ referralId: rid }).toArray();
    expect(
      audit.filter((a) => a['action'] === 'case.contact.read' && a['outcome'] === 'allowed'),
    ).toHaveLength(2);
    expect(
      audit.filter((a) => a['action'] === 'case.contact.read' && a['outcome'] === 'refused'),
    ).toHaveLength(1);
    expect(
      audit.filter(
        (a) => a['action'] === 'case.contact.search' && a['actor']?.person?.sub === world.sub('bea'),
      ).length,
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
        ['phone', 'no-answer', world.sub('bea')],
        ['text', 'reached', world.sub('ali')],
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
