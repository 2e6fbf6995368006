/**
 * The case record, part 1, on the real stack (Kafka, MongoDB replica set, Redis, the local OIDC
 * provider): who may do what (the owning organisation's people; a worker their own entries, a
 * team lead any, an API client with no person its own; the referrer 403; anyone else 404), case
 * notes, If-Match on every change, the whole-record read, and the audit trail with the person.
 * Set-up: support/case-record-world.ts.
 */
import { CASE_TEXT as TEXT, CaseRecordWorld, isoFromNow as iso } from './support/case-record-world';

const world = new CaseRecordWorld('crn', { people: ['lead', 'ali', 'bea'] });
const { org } = world;
const { api, contact, stored } = world;
/** A referral the link-worker organisation accepted (through its API client). */
const referral = (): Promise<string> => world.referral();

describe('case record: access, notes, authors and audit (people signed in through the local OIDC provider)', () => {
  beforeAll(() => world.start(), 240_000);
  afterAll(() => world.stop(), 60_000);

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
      by: { person: { sub: world.sub('ali') } },
      updatedBy: { person: { sub: world.sub('lead'), name: 'Chris Lead' } },
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
    const audit = await world.database.collection('audit_log').find({ referralId: rid }).toArray();
    const entry = (action: string, sub?: string) =>
      audit.filter((a) => a['action'] === action && (sub === undefined || a['actor']?.person?.sub === sub));
    expect(entry('case.contact.create', world.sub('ali'))).toHaveLength(1);
    expect(entry('case.contact.update', world.sub('lead'))[0]).toMatchObject({
      outcome: 'allowed',
      actor: { person: { name: 'Chris Lead' } },
    });
    expect(entry('case.contact.update', world.sub('bea'))[0]).toMatchObject({
      outcome: 'refused',
      code: 'CASE_RECORD.NOT_AUTHOR',
    });
    expect(
      entry('case.note.update', world.sub('ali'))
        .map((a) => a['outcome'])
        .sort(),
    ).toEqual(['allowed', 'refused']);
    expect(entry('case.note.delete').length).toBeGreaterThanOrEqual(4);
    expect(entry('case.note.list', world.sub('bea'))).toHaveLength(1);
    expect(entry('case.read', world.sub('lead'))).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(TEXT.note);
  });
});
