import { InMemoryReferrals } from '../../../../test/support/in-memory-referrals';
import type { Actor } from '../../../domain/referral-intake.rules';
import { newReferralDocument } from '../../../referrals/create-referral/create-referral.use-case';
import type { ReferralDocument } from '../../../referrals/referral.entity';
import { CaseRecordGate } from '../../case-record-gate';
import type { CaseContactDocument } from '../contact.entity';
import { RecordContactUseCase, type RecordContactInput } from './record-contact.use-case';

const submitted = new Date('2026-11-01T09:00:00Z');
const now = new Date('2026-11-10T12:00:00Z');
const worker: Actor = {
  clientId: 'portal',
  organisationId: 'org-lw',
  role: 'link-worker',
  person: { sub: 'w-1', name: 'Sam Worker', teamRole: 'worker' },
};

function referral(): ReferralDocument {
  return newReferralDocument(
    {
      _id: 'r1',
      requesterOrganisationId: 'org-gp',
      requesterOdsCode: 'A81001',
      requesterClientId: 'gp',
      targetServiceId: 'svc-lw',
      ownerOrganisationId: 'org-lw',
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      patient: { nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
      patientKey: 'a'.repeat(64),
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: submitted,
        scope: 'share-with-receiving-service',
      },
      doNotContact: false,
      requestFingerprint: 'fp',
    },
    { clientId: 'gp', organisationId: 'org-gp', role: 'referrer' },
    submitted,
    { deadlineHours: 336, reminderBeforeHours: 72 },
  );
}

function setup() {
  const referrals = new InMemoryReferrals([referral()]);
  const stored: CaseContactDocument[] = [];
  const kicks: number[] = [];
  const audit: { action: string; outcome: string; person?: unknown }[] = [];
  const gate = new CaseRecordGate({
    load: async (id) => ({ referral: (await referrals.findById(id))!, parties: [] }),
  });
  const useCase = new RecordContactUseCase(
    gate,
    {
      insert: async (c) => void stored.push(c),
      forReferral: async (id) => stored.filter((c) => c.referralId === id),
    },
    Object.assign(referrals, {
      // Held unless consent was withdrawn (the real one also conflicts with the withdrawal).
      holdForCaseRecordWrite: async (id: string) => !referrals.get(id).consent.withdrawnAt,
    }),
    {
      record: async (e) => void audit.push({ action: e.action, outcome: e.outcome, person: e.actor.person }),
    },
    { kick: () => void kicks.push(1) },
  );
  const record = (
    at: string,
    outcome: RecordContactInput['outcome'],
    method: RecordContactInput['method'] = 'phone',
  ) =>
    useCase.execute(
      {
        referralId: 'r1',
        actor: worker,
        at: new Date(at),
        method,
        outcome,
        summary: 'Spoke about the garden',
      },
      now,
    );
  return { referrals, stored, kicks, audit, record };
}

describe('RecordContactUseCase', () => {
  it('the first reached contact sets firstContactAt, adds first-contact to history and one event with attempts before', async () => {
    const { referrals, stored, kicks, audit, record } = setup();
    await record('2026-11-02T10:00:00Z', 'no-answer');
    await record('2026-11-03T10:00:00Z', 'wrong-number');
    const reached = await record('2026-11-04T10:00:00Z', 'reached', 'video');
    expect(reached.author).toEqual({
      clientId: 'portal',
      organisationId: 'org-lw',
      person: { sub: 'w-1', name: 'Sam Worker' },
    });
    expect(stored).toHaveLength(3);

    const after = referrals.get('r1');
    expect(after.firstContactAt).toEqual(new Date('2026-11-04T10:00:00Z'));
    expect(after.version).toBe(2);
    expect(after.history.at(-1)).toMatchObject({
      action: 'first-contact',
      from: 'requested',
      to: 'requested',
      version: 2,
    });
    expect(referrals.events).toHaveLength(1);
    expect(referrals.events[0]!.type).toContain('referral.first-contact-made');
    expect(referrals.events[0]!.data).toEqual({
      referralId: 'r1',
      requesterOrganisationId: 'org-gp',
      ownerOrganisationId: 'org-lw',
      targetServiceId: 'svc-lw',
      patientKey: 'a'.repeat(64),
      submittedAt: submitted.toISOString(),
      firstContactAt: '2026-11-04T10:00:00.000Z',
      method: 'video',
      attemptsBefore: 2,
      occurredAt: now.toISOString(),
    });
    expect(kicks).toHaveLength(1);
    expect(audit.map((a) => a.action)).toEqual([
      'case.contact.create',
      'case.contact.create',
      'case.contact.create',
    ]);
    expect(audit[0]!.person).toEqual({ sub: 'w-1', name: 'Sam Worker' });
  });

  it('a later reached contact (even dated earlier) does not move the first contact nor publish again', async () => {
    const { referrals, stored, kicks, record } = setup();
    await record('2026-11-04T10:00:00Z', 'reached');
    await record('2026-11-02T10:00:00Z', 'reached');
    expect(stored).toHaveLength(2);
    expect(referrals.get('r1').firstContactAt).toEqual(new Date('2026-11-04T10:00:00Z'));
    expect(referrals.events).toHaveLength(1);
    expect(kicks).toHaveLength(1);
  });

  it('refuses a time in the future or before submission (422 naming at) and stores nothing', async () => {
    const { referrals, stored, audit, record } = setup();
    await expect(record('2026-11-10T12:10:00Z', 'reached')).rejects.toMatchObject({
      status: 422,
      problems: [expect.objectContaining({ field: 'at', code: 'in_future' })],
    });
    await expect(record('2026-10-31T12:00:00Z', 'reached')).rejects.toMatchObject({
      status: 422,
      problems: [expect.objectContaining({ field: 'at', code: 'before_referral' })],
    });
    expect(stored).toEqual([]);
    expect(referrals.events).toEqual([]);
    expect(audit.map((a) => a.outcome)).toEqual(['refused', 'refused']);
  });

  it('the referring practice is refused (403) and another organisation told not found (404)', async () => {
    const { referrals, stored } = setup();
    const gate = new CaseRecordGate({
      load: async (id) => ({ referral: (await referrals.findById(id))!, parties: [] }),
    });
    await expect(
      gate.open('r1', { clientId: 'gp', organisationId: 'org-gp', role: 'referrer' }, 'write'),
    ).rejects.toMatchObject({ code: 'CASE_RECORD.FORBIDDEN', status: 403 });
    await expect(
      gate.open('r1', { clientId: 'x', organisationId: 'org-x', role: 'ops' }, 'read'),
    ).rejects.toMatchObject({ code: 'REFERRAL.NOT_FOUND', status: 404 });
    expect(stored).toEqual([]);
  });
});
