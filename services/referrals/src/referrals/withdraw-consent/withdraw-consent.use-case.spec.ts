import { InMemoryReferrals } from '../../../test/support/in-memory-referrals';
import { partiesOf } from '../../domain/referral-access';
import type { Actor } from '../../domain/referral-intake.rules';
import { newReferralDocument } from '../create-referral/create-referral.use-case';
import type { ReferralDocument, ReferralStatus } from '../referral.entity';
import { WithdrawConsentUseCase } from './withdraw-consent.use-case';

const now = new Date('2026-11-21T10:00:00Z');
const gp: Actor = { clientId: 'gp', organisationId: 'org-gp', odsCode: 'A81001', role: 'referrer' };

function referral(
  id: string,
  status: ReferralStatus,
  extra: Partial<ReferralDocument> = {},
): ReferralDocument {
  const doc = newReferralDocument(
    {
      _id: id,
      requesterOrganisationId: gp.organisationId,
      requesterOdsCode: 'A81001',
      requesterClientId: gp.clientId,
      targetServiceId: `svc-${id}`,
      ownerOrganisationId: `org-${id}`,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      patient: { nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
      patientKey: 'a'.repeat(64),
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: now,
        scope: 'share-with-receiving-service',
      },
      doNotContact: false,
      requestFingerprint: 'fp',
    },
    { clientId: gp.clientId, organisationId: gp.organisationId, role: 'referrer' },
    now,
    { deadlineHours: 336, reminderBeforeHours: 72 },
  );
  return { ...doc, status, version: 2, outbox: [], ...extra };
}

/** An accepted parent with an open child, a rejected child, and an open grandchild. */
function setup() {
  const referrals = new InMemoryReferrals([
    referral('parent', 'accepted', { childReferralIds: ['open', 'rejected'] }),
    referral('open', 'requested', { parentReferralId: 'parent', childReferralIds: ['grandchild'] }),
    referral('rejected', 'rejected', { parentReferralId: 'parent' }),
    referral('grandchild', 'requested', { parentReferralId: 'open' }),
  ]);
  const kicks: number[] = [];
  /** Each redaction: the referral ids, and whether it ran before the commit (inside the transaction). */
  const redactions: { ids: string[]; beforeCommit: boolean }[] = [];
  const useCase = new WithdrawConsentUseCase(
    referrals,
    {
      load: async (id: string, actor: Actor) => {
        const found = (await referrals.findById(id))!;
        return { referral: found, parties: partiesOf(found, actor) };
      },
    },
    { record: async () => undefined },
    { kick: () => void kicks.push(1) },
    { cancel: async (id: string) => void referrals.log.push(`cancel ${id}`) },
    {
      redactForConsentWithdrawal: async (ids: string[]) =>
        void redactions.push({ ids, beforeCommit: !referrals.log.includes('commit') }),
    },
  );
  const withdraw = (expectedVersion?: number) =>
    useCase.execute(
      { referralId: 'parent', actor: gp, ...(expectedVersion ? { expectedVersion } : {}) },
      now,
    );
  const state = () =>
    [...referrals.docs.values()].map((r) => [r._id, r.status, r.version, r.consent.withdrawnAt ?? null]);
  return { referrals, kicks, redactions, withdraw, state };
}

describe('WithdrawConsentUseCase', () => {
  it('withdraws the whole tree in one transaction, cancelling what is open, then cancels the deadlines', async () => {
    const { referrals, kicks, withdraw, state } = setup();
    const root = await withdraw(2);
    expect(root).toMatchObject({
      _id: 'parent',
      status: 'cancelled',
      statusReason: { code: 'consent-withdrawn' },
    });
    expect(state()).toEqual([
      ['parent', 'cancelled', 3, now],
      ['open', 'cancelled', 3, now],
      ['rejected', 'rejected', 3, now],
      ['grandchild', 'cancelled', 3, now],
    ]);
    expect(referrals.events.map((e) => `${e.subject} ${e.type.split('.')[3]}`)).toEqual([
      'referrals/parent cancelled',
      'referrals/parent consent-withdrawn',
      'referrals/open cancelled',
      'referrals/open consent-withdrawn',
      'referrals/rejected consent-withdrawn',
      'referrals/grandchild cancelled',
      'referrals/grandchild consent-withdrawn',
    ]);
    expect(referrals.log).toEqual([
      'commit',
      'cancel parent',
      'cancel open',
      'cancel rejected',
      'cancel grandchild',
    ]);
    expect(kicks).toHaveLength(1);
  });

  it("redacts every member's case record inside the transaction", async () => {
    const { redactions, withdraw } = setup();
    await withdraw();
    expect(redactions).toEqual([{ ids: ['parent', 'open', 'rejected', 'grandchild'], beforeCommit: true }]);
  });

  it('a failure on one member leaves every member as it was and cancels no deadline', async () => {
    const { referrals, kicks, withdraw, state } = setup();
    const before = state();
    referrals.failOn = { id: 'rejected', error: new Error('write failed') };
    await expect(withdraw()).rejects.toThrow('write failed');
    expect(state()).toEqual(before);
    expect(referrals.events).toEqual([]);
    expect(referrals.log).toEqual(['abort']);
    expect(kicks).toHaveLength(0);
  });

  it('a stale If-Match is 412 and changes nothing; recording it again changes nothing and answers the referral', async () => {
    const { referrals, withdraw, state } = setup();
    const before = state();
    await expect(withdraw(1)).rejects.toMatchObject({ code: 'REFERRAL.VERSION_MISMATCH', status: 412 });
    expect(state()).toEqual(before);
    const first = await withdraw();
    const again = await withdraw();
    expect(again.version).toBe(first.version);
    expect(referrals.log.filter((l) => l.startsWith('cancel'))).toHaveLength(4);
  });
});
