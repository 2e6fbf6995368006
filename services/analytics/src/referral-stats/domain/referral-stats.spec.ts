import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { byOrganisation, referralStats } from './referral-stats';

const DAY = 86_400_000;
const t0 = Date.UTC(2025, 0, 1);
const at = (days: number) => new Date(t0 + days * DAY);

const fact = (id: string, extra: Partial<ReferralFact> = {}): ReferralFact => ({
  referralId: id,
  requesterOrganisationId: 'practice-a',
  ownerOrganisationId: 'vcs-b',
  targetServiceId: 'svc-1',
  priority: 'routine',
  submittedAt: at(0),
  ...extra,
});

describe('referralStats', () => {
  it('is all zeros and nulls with no facts', () => {
    expect(referralStats([])).toEqual({
      submitted: 0,
      byPriority: {},
      transitions: {},
      reasons: {},
      consentWithdrawn: 0,
      wellbeingChange: { pairs: 0, mean: null },
      lastEventAt: null,
      timeToFirstContact: { count: 0, medianDays: null, p90Days: null },
    });
  });

  it('counts submissions, moves, coded reasons, consent withdrawals, ONS4 change and first contact', () => {
    const facts = [
      fact('r1', {
        acceptedAt: at(1),
        startedAt: at(2),
        firstContactAt: at(3),
        completedAt: at(20),
        outcomeCodes: ['attended'],
        wellbeing: {
          baseline: { lifeSatisfaction: 4, worthwhile: 5, happiness: 3, anxiety: 8 },
          followUp: { lifeSatisfaction: 7, worthwhile: 6, happiness: 5, anxiety: 4 },
        },
      }),
      fact('r2', { priority: 'urgent', rejectedAt: at(1), rejectionReason: 'no-capacity' }),
      fact('r3', { rejectedAt: at(7), expiredAt: at(7) }),
      fact('r4', {
        acceptedAt: at(2),
        firstContactAt: at(5),
        cancelledAt: at(6),
        cancellationReason: 'patient-declined',
      }),
      fact('r5', { consentWithdrawnAt: at(4), failedAt: at(4), failureReason: 'consent-withdrawn' }),
      // Known only from a later event (submitted not seen): not counted as submitted.
      { referralId: 'r6', requesterOrganisationId: 'practice-a', acceptedAt: at(30) },
    ];
    expect(referralStats(facts)).toEqual({
      submitted: 5,
      byPriority: { routine: 4, urgent: 1 },
      transitions: { accepted: 3, rejected: 2, 'in-progress': 1, completed: 1, cancelled: 1, failed: 1 },
      reasons: { 'no-capacity': 1, 'no-response': 1, 'patient-declined': 1, 'consent-withdrawn': 1 },
      consentWithdrawn: 1,
      wellbeingChange: {
        pairs: 1,
        mean: { lifeSatisfaction: 3, worthwhile: 1, happiness: 2, anxiety: -4 },
      },
      lastEventAt: at(30).toISOString(),
      timeToFirstContact: { count: 2, medianDays: 3, p90Days: 5 },
    });
  });

  it('averages ONS4 change over completed pairs only, to 2 decimals', () => {
    const pair = (ls: number) => ({
      baseline: { lifeSatisfaction: 0, worthwhile: 0, happiness: 0, anxiety: 0 },
      followUp: { lifeSatisfaction: ls, worthwhile: 0, happiness: 0, anxiety: 0 },
    });
    const facts = [
      fact('a', { completedAt: at(9), wellbeing: pair(1) }),
      fact('b', { completedAt: at(9), wellbeing: pair(1) }),
      fact('c', { completedAt: at(9), wellbeing: pair(0) }),
      fact('d', { wellbeing: pair(10) }), // not completed
    ];
    expect(referralStats(facts).wellbeingChange).toEqual({
      pairs: 3,
      mean: { lifeSatisfaction: 0.67, worthwhile: 0, happiness: 0, anxiety: 0 },
    });
  });
});

describe('byOrganisation', () => {
  it('groups facts by requester or owner, leaving out facts without one', () => {
    const facts = [
      fact('1'),
      fact('2', { ownerOrganisationId: 'vcs-c' }),
      fact('3', { ownerOrganisationId: undefined }),
    ];
    expect([...byOrganisation(facts, 'ownerOrganisationId')].map(([id, f]) => [id, f.length])).toEqual([
      ['vcs-b', 1],
      ['vcs-c', 1],
    ]);
    expect(byOrganisation(facts, 'requesterOrganisationId').get('practice-a')).toHaveLength(3);
  });
});
