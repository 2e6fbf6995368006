import {
  availablePlaces,
  capacitySignals,
  isFull,
  type DeclaredCapacity,
} from '../../capacity/domain/capacity.rules';
import { supersedes, teamHeadroomOf, type TeamCaseload } from './team-caseload';

const team = (teamVersion: number, headroom?: number): TeamCaseload => ({
  organisationId: 'org-1',
  workers: 2,
  workersWithLimit: headroom === undefined ? 0 : 2,
  assigned: 3,
  unassigned: 1,
  ...(headroom !== undefined ? { limitTotal: 10, headroom } : {}),
  teamVersion,
  occurredAt: '2025-01-17T09:00:00.000Z',
});

describe('team caseload', () => {
  it('applies only strictly newer versions (stale and repeated events change nothing)', () => {
    expect(supersedes(null, team(1))).toBe(true);
    expect(supersedes(team(3), team(4))).toBe(true);
    expect(supersedes(team(3), team(3))).toBe(false);
    expect(supersedes(team(3), team(2))).toBe(false);
  });

  it('limits capacity only when a caseload limit is set', () => {
    expect(teamHeadroomOf(null)).toBeUndefined();
    expect(teamHeadroomOf(team(1))).toBeUndefined();
    expect(teamHeadroomOf(team(1, 0))).toBe(0);
    expect(teamHeadroomOf(team(1, 5))).toBe(5);
  });

  it('caps the places of a declared service by the headroom (status waitlist at 0)', () => {
    const declared: DeclaredCapacity = {
      status: 'has-capacity',
      unit: 'places',
      maximum: 5,
      updated: '2025-01-01T00:00:00.000Z',
      updatedBy: 'client',
    };
    const load = { caseload: 1, freedLast90Days: 0, waitlistLength: 0 };
    expect(availablePlaces(declared, 1, 2)).toBe(2);
    expect(availablePlaces(declared, 4, 2)).toBe(1);
    expect(availablePlaces({ ...declared, maximum: undefined }, 1, 3)).toBe(3);
    expect(availablePlaces({ ...declared, maximum: undefined }, 1)).toBeUndefined();
    expect(capacitySignals(declared, { ...load, teamHeadroom: 0 }, 'now')).toMatchObject({
      status: 'waitlist',
      available: 0,
      teamHeadroom: 0,
    });
    expect(
      capacitySignals({ ...declared, status: 'no-capacity' }, { ...load, teamHeadroom: 0 }, 'now')?.status,
    ).toBe('no-capacity');
    expect(isFull(declared, 1, 0)).toBe(true);
    expect(isFull(declared, 1, 1)).toBe(false);
    // Nothing declared: unknown, whatever the team's headroom.
    expect(capacitySignals(undefined, { ...load, teamHeadroom: 0 }, 'now')).toBeNull();
  });
});
