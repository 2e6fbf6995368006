import type { ReferralCounterDocument } from './referral-counter.entity';
import { sumCounters } from './sum-counters';

const counter = (over: Partial<ReferralCounterDocument>): ReferralCounterDocument => ({
  _id: 'org:x',
  organisationId: 'x',
  submitted: 0,
  byPriority: {},
  lastEventAt: '2025-01-01T00:00:00.000Z',
  ...over,
});

describe('sumCounters', () => {
  it('is null without counters', () => {
    expect(sumCounters([])).toBeNull();
  });

  it('adds counts, maps and wellbeing, keeping the latest event time', () => {
    const total = sumCounters([
      counter({
        submitted: 2,
        byPriority: { routine: 2 },
        transitions: { accepted: 1 },
        reasons: { 'no-capacity': 1 },
        wellbeing: { pairs: 1, lifeSatisfaction: 2, worthwhile: 1, happiness: 1, anxiety: -2 },
      }),
      counter({
        submitted: 3,
        byPriority: { routine: 1, urgent: 2 },
        transitions: { accepted: 2, completed: 1 },
        consentWithdrawn: 1,
        lastEventAt: '2025-02-01T00:00:00.000Z',
      }),
    ]);
    expect(total).toMatchObject({
      submitted: 5,
      byPriority: { routine: 3, urgent: 2 },
      transitions: { accepted: 3, completed: 1 },
      reasons: { 'no-capacity': 1 },
      consentWithdrawn: 1,
      wellbeing: { pairs: 1, lifeSatisfaction: 2, worthwhile: 1, happiness: 1, anxiety: -2 },
      lastEventAt: '2025-02-01T00:00:00.000Z',
    });
  });
});
