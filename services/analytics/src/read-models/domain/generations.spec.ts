import {
  caughtUp,
  collectionName,
  generationOf,
  generationsToDrop,
  mayActivate,
  rebuildGroupId,
  remaining,
  writeTargets,
  type PartitionProgress,
} from './generations';
import { capacityScopeFilter, scopeFilter } from './scope-filter';

const p = (committed: number, high: number, low = 0): PartitionProgress => ({
  topic: 't',
  partition: 0,
  committed,
  low,
  high,
});

describe('generations', () => {
  it('names collections by generation and recognises only its own', () => {
    expect(collectionName(3, 'referral_facts')).toBe('g3_referral_facts');
    expect(generationOf('g12_capacity_samples')).toBe(12);
    expect(generationOf('g2_refusals')).toBe(2);
    expect(generationOf('referral_counters')).toBeNull();
    expect(generationOf('g2_other')).toBeNull();
  });

  it('writes live events to the active generation and to the one being built', () => {
    expect(writeTargets({ active: 1 })).toEqual([1]);
    expect(writeTargets({ active: 1, building: 2 })).toEqual([1, 2]);
    expect(writeTargets({ active: 2, building: 2 })).toEqual([2]);
  });

  it('gives each rebuild its own consumer group', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(rebuildGroupId('analytics', 4, at)).toBe(`analytics-rebuild-g4-${at.getTime().toString(36)}`);
    expect(rebuildGroupId('analytics', 4, new Date(at.getTime() + 1))).not.toBe(
      rebuildGroupId('analytics', 4, at),
    );
  });

  it('counts what is left to replay, from the log start when nothing is committed', () => {
    expect(remaining(p(-1, 10))).toBe(10);
    expect(remaining(p(-1, 10, 4))).toBe(6);
    expect(remaining(p(7, 10))).toBe(3);
    expect(remaining(p(10, 10))).toBe(0);
    expect(caughtUp([p(10, 10), p(-1, 0), p(-1, 5, 5)])).toBe(true);
    expect(caughtUp([p(10, 10), p(3, 4)])).toBe(false);
    expect(caughtUp([])).toBe(false);
  });

  it('activates a generation only once caught up and building for longer than the grace period', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    const after = (ms: number) => new Date(since.getTime() + ms);
    const state = { building: 2, buildingSince: since };
    expect(mayActivate(state, [p(10, 10)], after(5_000), 5_000)).toBe(true);
    expect(mayActivate(state, [p(10, 10)], after(4_999), 5_000)).toBe(false);
    expect(mayActivate(state, [p(9, 10)], after(60_000), 5_000)).toBe(false);
    expect(mayActivate({}, [p(10, 10)], after(60_000), 5_000)).toBe(false);
  });

  it('drops all but the active and the previous generation after a switch', () => {
    expect(generationsToDrop([1, 2, 3, 4], { active: 4, previous: 3 })).toEqual([1, 2]);
    expect(generationsToDrop([2, 2, 3], { active: 3, previous: 2 })).toEqual([]);
    // Never a generation newer than the active one (another rebuild may have started).
    expect(generationsToDrop([1, 3, 5], { active: 3, previous: 1, building: 5 })).toEqual([]);
  });
});

describe('scope filters', () => {
  it('matches any of the listed organisations, and nothing for empty lists', () => {
    expect(scopeFilter({ all: true })).toEqual({});
    expect(scopeFilter({ requesterOrganisationIds: [] })).toBeNull();
    expect(scopeFilter({})).toBeNull();
    expect(scopeFilter({ requesterOrganisationIds: ['a', 'a'] })).toEqual({
      requesterOrganisationId: { $in: ['a'] },
    });
    expect(scopeFilter({ requesterOdsCodes: ['A81001'], ownerOrganisationIds: ['b'] })).toEqual({
      $or: [{ requesterOdsCode: { $in: ['A81001'] } }, { ownerOrganisationId: { $in: ['b'] } }],
    });
  });

  it("limits capacity to a provider's own services, and shows every service otherwise", () => {
    expect(capacityScopeFilter({ all: true })).toEqual({});
    expect(capacityScopeFilter({ requesterOdsCodes: ['A81001'] })).toEqual({});
    expect(capacityScopeFilter({ ownerOrganisationIds: ['p'] })).toEqual({ organisationId: { $in: ['p'] } });
    expect(capacityScopeFilter({ ownerOrganisationIds: [] })).toBeNull();
  });
});
