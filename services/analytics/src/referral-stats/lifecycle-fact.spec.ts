import { countersFor, meanWellbeingChange } from './lifecycle-fact';

const base = { eventId: 'e1', requesterOrganisationId: 'org-a', occurredAt: '2025-01-01T00:00:00Z' };

describe('countersFor', () => {
  it('counts the move and its reason', () => {
    expect(countersFor({ ...base, toStatus: 'rejected', reasonCode: 'no-capacity' })).toEqual({
      $inc: { 'transitions.rejected': 1, 'reasons.no-capacity': 1 },
    });
  });

  it('counts consent withdrawal without a move', () => {
    expect(countersFor({ ...base, consentWithdrawn: true })).toEqual({ $inc: { consentWithdrawn: 1 } });
  });

  it('adds ONS4 change only when both baseline and follow-up were recorded', () => {
    const baseline = { lifeSatisfaction: 4, worthwhile: 5, happiness: 3, anxiety: 8 };
    const followUp = { lifeSatisfaction: 7, worthwhile: 6, happiness: 6, anxiety: 4 };
    expect(countersFor({ ...base, toStatus: 'completed', wellbeing: { baseline, followUp } })).toEqual({
      $inc: {
        'transitions.completed': 1,
        'wellbeing.pairs': 1,
        'wellbeing.lifeSatisfaction': 3,
        'wellbeing.worthwhile': 1,
        'wellbeing.happiness': 3,
        'wellbeing.anxiety': -4,
      },
    });
    expect(countersFor({ ...base, toStatus: 'completed', wellbeing: { baseline } })).toEqual({
      $inc: { 'transitions.completed': 1 },
    });
  });
});

describe('meanWellbeingChange', () => {
  it('averages per item and is null without pairs', () => {
    expect(
      meanWellbeingChange({ pairs: 0, lifeSatisfaction: 0, worthwhile: 0, happiness: 0, anxiety: 0 }),
    ).toBeNull();
    expect(
      meanWellbeingChange({ pairs: 3, lifeSatisfaction: 4, worthwhile: 3, happiness: -1, anxiety: -5 }),
    ).toEqual({ lifeSatisfaction: 1.33, worthwhile: 1, happiness: -0.33, anxiety: -1.67 });
  });
});
