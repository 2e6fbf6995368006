import type { ClientSession } from 'mongodb';
import type { Actor } from '../../../domain/referral-intake.rules';
import type { ReferralDocument } from '../../../referrals/referral.entity';
import { CaseRecordErrors } from '../../case-record.errors';
import { CaseRecordGate } from '../../case-record-gate';
import { caseAuthorOf } from '../../domain/case-author';
import { DeleteNoteUseCase } from '../delete-note/delete-note.use-case';
import type { CaseNoteDocument } from '../note.entity';
import { EditNoteUseCase } from './edit-note.use-case';

const now = new Date('2026-11-10T12:00:00Z');
const person = (sub: string, teamRole: 'worker' | 'team-lead'): Actor => ({
  clientId: 'portal',
  organisationId: 'org-lw',
  role: 'link-worker',
  person: { sub, name: sub, teamRole },
});
const ali = person('ali', 'worker');
const bea = person('bea', 'worker');
const lead = person('lead', 'team-lead');
const client: Actor = { clientId: 'lw', organisationId: 'org-lw', role: 'link-worker' };
const otherClient: Actor = { clientId: 'lw-2', organisationId: 'org-lw', role: 'link-worker' };

function setup(withdrawn = false) {
  const referral = {
    _id: 'r1',
    requesterOrganisationId: 'org-gp',
    ownerOrganisationId: 'org-lw',
    consent: withdrawn ? { withdrawnAt: now } : {},
  } as unknown as ReferralDocument;
  const notes = new Map<string, CaseNoteDocument>();
  const note = (id: string, by: Actor) =>
    notes.set(id, {
      _id: id,
      referralId: 'r1',
      organisationId: 'org-lw',
      author: caseAuthorOf(by),
      text: 'first text',
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
  note('by-ali', ali);
  note('by-client', client);
  const repo = {
    findOne: async (_r: string, id: string) => {
      const n = notes.get(id);
      return n && !n.deletedAt ? { ...n } : null;
    },
    edit: async (_r: string, id: string, version: number, change: Partial<CaseNoteDocument>) => {
      const n = notes.get(id);
      if (!n || n.version !== version) return null;
      const after = { ...n, ...change, version: version + 1 };
      notes.set(id, after);
      return after;
    },
    softDelete: async (_r: string, id: string, version: number, at: Date) => {
      const n = notes.get(id);
      if (!n || n.version !== version) return false;
      notes.set(id, { ...n, deletedAt: at, version: version + 1 });
      return true;
    },
  };
  const gate = new CaseRecordGate({ load: async () => ({ referral, parties: [] }) });
  const audit = { record: async () => undefined };
  // The transaction holding the referral: refused once consent is withdrawn.
  const tx = {
    run: async <T>(_id: string, fn: (session: ClientSession) => Promise<T>): Promise<T> => {
      if (withdrawn) throw CaseRecordErrors.readOnly('r1');
      return fn({} as ClientSession);
    },
  };
  const edit = (noteId: string, actor: Actor, expectedVersion?: number) =>
    new EditNoteUseCase(gate, repo, tx, audit).execute(
      { referralId: 'r1', noteId, actor, text: 'new text', ...(expectedVersion ? { expectedVersion } : {}) },
      now,
    );
  const remove = (noteId: string, actor: Actor) =>
    new DeleteNoteUseCase(gate, repo, tx, audit).execute({ referralId: 'r1', noteId, actor }, now);
  return { notes, edit, remove };
}

describe('changing and deleting notes', () => {
  it('the author and a team lead may; another worker may not', async () => {
    const { notes, edit } = setup();
    await expect(edit('by-ali', bea)).rejects.toMatchObject({ code: 'CASE_RECORD.NOT_AUTHOR', status: 403 });
    expect((await edit('by-ali', ali)).version).toBe(2);
    const byLead = await edit('by-ali', lead);
    expect(byLead).toMatchObject({ version: 3, updatedBy: { person: { sub: 'lead' } } });
    expect(notes.get('by-ali')!.author.person?.sub).toBe('ali');
  });

  it('an API client acting with no person may change only what it wrote with no person', async () => {
    const { edit } = setup();
    await expect(edit('by-ali', client)).rejects.toMatchObject({ code: 'CASE_RECORD.NOT_AUTHOR' });
    await expect(edit('by-client', otherClient)).rejects.toMatchObject({ code: 'CASE_RECORD.NOT_AUTHOR' });
    await expect(edit('by-client', ali)).rejects.toMatchObject({ code: 'CASE_RECORD.NOT_AUTHOR' });
    expect((await edit('by-client', client)).text).toBe('new text');
    // A team lead may change any entry of the organisation, a client's too.
    expect((await edit('by-client', lead)).version).toBe(3);
  });

  it('a stale If-Match is 412 and changes nothing', async () => {
    const { notes, edit } = setup();
    await expect(edit('by-ali', ali, 4)).rejects.toMatchObject({
      code: 'CASE_RECORD.VERSION_MISMATCH',
      status: 412,
    });
    expect(notes.get('by-ali')!.text).toBe('first text');
  });

  it('a deleted note is kept but gone for every later change; after consent withdrawal nothing changes (409)', async () => {
    const { notes, edit, remove } = setup();
    await expect(remove('by-ali', bea)).rejects.toMatchObject({ status: 403 });
    await remove('by-ali', lead);
    expect(notes.get('by-ali')).toMatchObject({ text: 'first text', deletedAt: now });
    await expect(edit('by-ali', ali)).rejects.toMatchObject({ code: 'CASE_RECORD.NOT_FOUND', status: 404 });
    await expect(remove('by-ali', lead)).rejects.toMatchObject({ status: 404 });

    const after = setup(true);
    await expect(after.edit('by-ali', ali)).rejects.toMatchObject({
      code: 'CASE_RECORD.READ_ONLY',
      status: 409,
    });
    await expect(after.remove('by-ali', ali)).rejects.toMatchObject({ code: 'CASE_RECORD.READ_ONLY' });
  });
});
