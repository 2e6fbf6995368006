import { figuresChanged, teamFigures } from './team-figures';

describe('teamFigures', () => {
  it('counts workers, limits, assigned and unassigned open referrals, and headroom under the limits', () => {
    const figures = teamFigures({
      members: [
        { sub: 'ali', caseloadLimit: 3 },
        { sub: 'bea', caseloadLimit: 2 },
        { sub: 'lead', caseloadLimit: null },
      ],
      openAssignees: ['ali', 'ali', 'bea', 'bea', 'bea', 'lead', undefined, undefined],
    });
    // ali 3-2=1, bea max(0, 2-3)=0 (over by override)
    expect(figures).toEqual({
      workers: 3,
      workersWithLimit: 2,
      assigned: 6,
      unassigned: 2,
      limitTotal: 5,
      headroom: 1,
    });
  });

  it('leaves limitTotal and headroom out when nobody has a limit', () => {
    expect(teamFigures({ members: [{ sub: 'ali', caseloadLimit: null }], openAssignees: [] })).toEqual({
      workers: 1,
      workersWithLimit: 0,
      assigned: 0,
      unassigned: 0,
    });
  });
});

describe('figuresChanged', () => {
  const base = { workers: 1, workersWithLimit: 0, assigned: 0, unassigned: 1 };
  it('is true for the first figures and for any difference, false for the same figures', () => {
    expect(figuresChanged(undefined, base)).toBe(true);
    expect(figuresChanged(base, { ...base })).toBe(false);
    expect(figuresChanged(base, { ...base, assigned: 1, unassigned: 0 })).toBe(true);
    expect(figuresChanged(base, { ...base, workersWithLimit: 1, limitTotal: 2, headroom: 2 })).toBe(true);
  });
});
