import type { ClientSession } from 'mongodb';
import type { Actor } from '../../../domain/referral-intake.rules';
import type { ReferralDocument } from '../../../referrals/referral.entity';
import type { ChangeDecision } from '../../../referrals/referral.repository';
import { CaseRecordErrors } from '../../case-record.errors';
import type { WellbeingMeasureDocument } from '../wellbeing-measure.entity';
import { RecordMeasureUseCase, type RecordMeasureInput } from './record-measure.use-case';

const now = new Date('2026-12-03T10:00:00Z');
const worker: Actor = {
  clientId: 'portal',
  organisationId: 'org-lw',
  role: 'link-worker',
  person: { sub: 'ali', name: 'Ali', teamRole: 'worker' },
};
const ons4 = (lifeSatisfaction: number) => ({ lifeSatisfaction, worthwhile: 5, happiness: 5, anxiety: 5 });

function setup(existing: WellbeingMeasureDocument[] = [], opts: { withdrawn?: boolean } = {}) {
  const referral = {
    _id: 'ref-1',
    status: 'in-progress',
    version: 4,
    wellbeing: { followUp: ons4(9) },
    history: [],
  } as unknown as ReferralDocument;
  const stored = [...existing];
  const changes: ReturnType<ChangeDecision>[] = [];
  const audit: { action: string; outcome: string; code?: string }[] = [];
  const session = {} as ClientSession;
  const useCase = new RecordMeasureUseCase(
    { open: async () => ({ referral, access: 'write' as const }) },
    {
      insert: async (m) => void stored.push(m),
      forReferral: async () => stored,
    },
    {
      run: async (referralId, fn) => {
        if (opts.withdrawn) throw CaseRecordErrors.readOnly(referralId);
        return fn(session);
      },
    },
    {
      change: async (_id, decide) => {
        changes.push(decide(referral));
        return { referral, changed: true };
      },
    },
    { record: async (entry) => void audit.push(entry) },
  );
  return { useCase, stored, changes, audit };
}

const input = (extra: Partial<RecordMeasureInput> = {}): RecordMeasureInput => ({
  referralId: 'ref-1',
  actor: worker,
  instrument: 'ons4',
  timepoint: 'baseline',
  takenAt: new Date('2026-12-03T09:00:00Z'),
  scores: ons4(3),
  ...extra,
});

describe('RecordMeasureUseCase', () => {
  it('records an ONS4 measure by the person and makes it the referral’s baseline (history, no event)', async () => {
    const { useCase, stored, changes, audit } = setup();
    const measure = await useCase.execute(input(), now);
    expect(stored).toEqual([measure]);
    expect(measure).toMatchObject({
      instrument: 'ons4',
      timepoint: 'baseline',
      author: { person: { sub: 'ali', name: 'Ali' } },
    });
    expect(changes).toEqual([
      {
        set: { wellbeing: { followUp: ons4(9), baseline: ons4(3) }, updatedAt: now },
        history: [
          expect.objectContaining({
            action: 'wellbeing-recorded',
            from: 'in-progress',
            to: 'in-progress',
            by: expect.objectContaining({ person: { sub: 'ali', name: 'Ali' } }),
          }),
        ],
        events: [],
      },
    ]);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'case.wellbeing-measure.create', outcome: 'allowed' }),
    ]);
  });

  it('leaves the referral alone for a measure taken before the latest of its timepoint, and for MYCaW', async () => {
    const later = {
      _id: 'm-later',
      instrument: 'ons4',
      timepoint: 'baseline',
      takenAt: new Date('2026-12-03T09:30:00Z'),
      createdAt: new Date('2026-12-03T09:31:00Z'),
    } as WellbeingMeasureDocument;
    const { useCase, stored, changes } = setup([later]);
    await useCase.execute(input(), now);
    await useCase.execute(
      input({ instrument: 'mycaw', scores: { concern1: { description: 'Money', score: 4 }, wellbeing: 3 } }),
      now,
    );
    expect(stored).toHaveLength(3);
    expect(changes).toEqual([]);
  });

  it('refuses a measure taken in the future (422 naming takenAt), audited, and stores nothing', async () => {
    const { useCase, stored, audit } = setup();
    await expect(
      useCase.execute(input({ takenAt: new Date('2026-12-05T00:00:00Z') }), now),
    ).rejects.toMatchObject({
      status: 422,
      problems: [expect.objectContaining({ field: 'takenAt', code: 'in_future' })],
    });
    expect(stored).toEqual([]);
    expect(audit).toEqual([expect.objectContaining({ outcome: 'refused', code: 'VALIDATION.FAILED' })]);
  });

  it('stores nothing and leaves the referral alone when the hold finds consent withdrawn (409)', async () => {
    const { useCase, stored, changes } = setup([], { withdrawn: true });
    await expect(useCase.execute(input(), now)).rejects.toMatchObject({
      code: 'CASE_RECORD.READ_ONLY',
      status: 409,
    });
    expect(stored).toEqual([]);
    expect(changes).toEqual([]);
  });
});
