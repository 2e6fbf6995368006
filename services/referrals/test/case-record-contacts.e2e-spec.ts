/**
 * The case record, part 1, on the real stack (Kafka, MongoDB replica set, Redis, the local OIDC
 * provider): contacts and the first contact (time set once, one PII-free
 * referral.first-contact-made on the lifecycle topic, also when reached contacts race), and bad
 * contacts refused naming every field with nothing stored. Set-up: support/case-record-world.ts.
 */
import { waitFor } from '@sp/testing';
import {
  CASE_RECORD_PATIENT as patient,
  CASE_TEXT as TEXT,
  CaseRecordWorld,
  errorsOf,
  isoFromNow as iso,
} from './support/case-record-world';

const world = new CaseRecordWorld('crc', { people: ['lead', 'ali', 'bea'], readLifecycle: true });
const { org, svc, lifecycle } = world;
const { api, contact, stored } = world;
const FIRST_CONTACT = 'org.socialprescribing.referral.first-contact-made.v1';
const STARTED = 'org.socialprescribing.referral.started.v1';
/** A referral the link-worker organisation accepted (through its API client). */
const referral = (): Promise<string> => world.referral();

describe('case record: contacts and the first contact (people signed in through the local OIDC provider)', () => {
  beforeAll(() => world.start(), 240_000);
  afterAll(() => world.stop(), 60_000);

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
      by: { organisationId: org.lw, person: { sub: world.sub('ali'), name: 'Ali Khan' } },
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
        by: expect.objectContaining({ person: { sub: world.sub('ali'), name: 'Ali Khan' } }),
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
    const doc = await world.database.collection('referrals').findOne({ _id: rid as never });
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
    const referralNow = await world.database.collection('referrals').findOne({ _id: rid as never });
    expect(referralNow?.['firstContactAt']).toBeUndefined();
  });
});
