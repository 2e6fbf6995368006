import type { ClientSession } from 'mongodb';
import type { Actor } from '../../../domain/referral-intake.rules';
import type { ReferralDocument } from '../../../referrals/referral.entity';
import { CaseRecordErrors } from '../../case-record.errors';
import type { NewAction } from '../../domain/support-plan.rules';
import type { PlanActionDocument } from '../plan-action.entity';
import { AddActionUseCase } from './add-action.use-case';

const now = new Date('2026-12-03T10:00:00Z');
const client: Actor = { clientId: 'lw', organisationId: 'org-lw', role: 'link-worker' };

function setup(opts: { withdrawn?: boolean } = {}) {
  const referral = { _id: 'ref-1', childReferralIds: ['child-1'] } as unknown as ReferralDocument;
  const actions: PlanActionDocument[] = [];
  const nextDue: (Date | undefined)[] = [];
  const sessions: ClientSession[] = [];
  const session = { id: 'tx' } as unknown as ClientSession;
  const held: string[] = [];
  const useCase = new AddActionUseCase(
    { open: async () => ({ referral, access: 'write' as const }) },
    {
      insert: async (a, s) => {
        sessions.push(s);
        actions.push(a);
      },
      forReferrals: async (_ids, s) => {
        sessions.push(s!);
        return actions;
      },
    },
    {
      run: async (referralId, fn) => {
        held.push(referralId);
        if (opts.withdrawn) throw CaseRecordErrors.readOnly(referralId);
        return fn(session);
      },
    },
    {
      setPlanNextDueAt: async (_id, at, s) => {
        sessions.push(s);
        nextDue.push(at);
      },
    },
    { record: async () => undefined },
  );
  return { useCase, actions, nextDue, sessions, session, held };
}

const body = (extra: Partial<NewAction> = {}): NewAction => ({
  description: 'Call the befriending service together',
  owner: { kind: 'patient' },
  dueDate: '2026-12-10',
  status: 'planned',
  ...extra,
});

describe('AddActionUseCase', () => {
  it('stores the action and the referral’s next due moment in one transaction holding the referral', async () => {
    const { useCase, actions, nextDue, sessions, session, held } = setup();
    await useCase.execute({ referralId: 'ref-1', actor: client, action: body() }, now);
    await useCase.execute(
      {
        referralId: 'ref-1',
        actor: client,
        action: body({ dueDate: '2026-12-05', onwardReferralId: 'child-1' }),
      },
      now,
    );
    await useCase.execute(
      { referralId: 'ref-1', actor: client, action: body({ dueDate: '2026-12-04', status: 'done' }) },
      now,
    );
    expect(actions.map((a) => a.status)).toEqual(['planned', 'planned', 'done']);
    expect(actions[2]!.closedAt).toEqual(now);
    expect(nextDue.map((d) => d?.toISOString())).toEqual([
      '2026-12-11T00:00:00.000Z',
      '2026-12-06T00:00:00.000Z',
      '2026-12-06T00:00:00.000Z',
    ]);
    expect(new Set(sessions)).toEqual(new Set([session]));
    expect(held).toEqual(['ref-1', 'ref-1', 'ref-1']);
  });

  it('stores nothing when the hold finds consent withdrawn (409 CASE_RECORD.READ_ONLY)', async () => {
    const { useCase, actions, nextDue } = setup({ withdrawn: true });
    await expect(
      useCase.execute({ referralId: 'ref-1', actor: client, action: body() }, now),
    ).rejects.toMatchObject({ code: 'CASE_RECORD.READ_ONLY', status: 409 });
    expect(actions).toEqual([]);
    expect(nextDue).toEqual([]);
  });

  it('refuses a due date before today and an action that is not an onward referral of this one', async () => {
    const { useCase, actions, nextDue } = setup();
    await expect(
      useCase.execute(
        {
          referralId: 'ref-1',
          actor: client,
          action: body({ dueDate: '2026-12-02', onwardReferralId: 'other' }),
        },
        now,
      ),
    ).rejects.toMatchObject({
      status: 422,
      problems: [
        expect.objectContaining({ field: 'dueDate' }),
        expect.objectContaining({ field: 'onwardReferralId' }),
      ],
    });
    expect(actions).toEqual([]);
    expect(nextDue).toEqual([]);
  });
});
