import type { ClientSession } from 'mongodb';
import type { Actor } from '../../../domain/referral-intake.rules';
import type { ReferralDocument } from '../../../referrals/referral.entity';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseNeedDocument } from '../case-need.entity';
import { RecordNeedUseCase } from './record-need.use-case';

const now = new Date('2026-12-03T10:00:00Z');
const person = (sub: string, teamRole: 'worker' | 'team-lead'): Actor => ({
  clientId: 'portal',
  organisationId: 'org-lw',
  role: 'link-worker',
  person: { sub, teamRole },
});

function setup(opts: { duplicateOnInsert?: boolean; withdrawn?: boolean } = {}) {
  const referral = { _id: 'ref-1' } as unknown as ReferralDocument;
  const needs: CaseNeedDocument[] = [];
  const useCase = new RecordNeedUseCase(
    { open: async () => ({ referral, access: 'write' as const }) },
    {
      findActive: async (_r, code) => needs.find((n) => n.code === code && !n.resolvedAt) ?? null,
      insertActive: async (need) => {
        // A concurrent add of the same code won: the lock's _id is taken.
        if (opts.duplicateOnInsert) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
        needs.push(need);
      },
      resolve: async (need, change) => {
        Object.assign(need, { resolvedAt: change.at, resolvedBy: change.by, version: need.version + 1 });
        return need;
      },
    },
    {
      run: async (referralId, fn) => {
        if (opts.withdrawn) throw CaseRecordErrors.readOnly(referralId);
        return fn({} as ClientSession);
      },
    },
    { record: async () => undefined },
  );
  return { useCase, needs };
}

describe('RecordNeedUseCase', () => {
  it('adds a need and lets its author or a team lead resolve it, not another worker', async () => {
    const { useCase, needs } = setup();
    const added = await useCase.execute(
      {
        referralId: 'ref-1',
        actor: person('ali', 'worker'),
        code: 'sp-need-debt',
        status: 'active',
      },
      now,
    );
    expect(added).toMatchObject({
      created: true,
      need: { code: 'sp-need-debt', addedBy: { person: { sub: 'ali' } } },
    });
    await expect(
      useCase.execute(
        {
          referralId: 'ref-1',
          actor: person('bea', 'worker'),
          code: 'sp-need-debt',
          status: 'resolved',
        },
        now,
      ),
    ).rejects.toMatchObject({ code: 'CASE_RECORD.NOT_AUTHOR', status: 403 });
    const resolved = await useCase.execute(
      {
        referralId: 'ref-1',
        actor: person('lee', 'team-lead'),
        code: 'sp-need-debt',
        status: 'resolved',
      },
      now,
    );
    expect(resolved).toMatchObject({ created: false, need: { resolvedBy: { person: { sub: 'lee' } } } });
    expect(needs).toHaveLength(1);
  });

  it('a concurrent add of the same code is told it is already active (422 naming code)', async () => {
    const { useCase } = setup({ duplicateOnInsert: true });
    await expect(
      useCase.execute(
        {
          referralId: 'ref-1',
          actor: person('ali', 'worker'),
          code: 'sp-need-debt',
          status: 'active',
        },
        now,
      ),
    ).rejects.toMatchObject({
      status: 422,
      problems: [expect.objectContaining({ field: 'code', code: 'already_active' })],
    });
  });

  it('names an unknown code and a future time together (422) and stores nothing', async () => {
    const { useCase, needs } = setup();
    await expect(
      useCase.execute(
        {
          referralId: 'ref-1',
          actor: person('ali', 'worker'),
          code: 'nope',
          status: 'active',
          at: new Date('2026-12-04T10:00:00Z'),
        },
        now,
      ),
    ).rejects.toMatchObject({
      status: 422,
      problems: [
        expect.objectContaining({ field: 'code', code: 'unknown_code' }),
        expect.objectContaining({ field: 'at', code: 'in_future' }),
      ],
    });
    expect(needs).toEqual([]);
  });

  it('stores nothing when the hold finds consent withdrawn (409)', async () => {
    const { useCase, needs } = setup({ withdrawn: true });
    await expect(
      useCase.execute(
        { referralId: 'ref-1', actor: person('ali', 'worker'), code: 'sp-need-debt', status: 'active' },
        now,
      ),
    ).rejects.toMatchObject({ code: 'CASE_RECORD.READ_ONLY', status: 409 });
    expect(needs).toEqual([]);
  });
});
