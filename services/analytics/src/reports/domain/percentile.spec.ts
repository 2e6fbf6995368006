import { daysBetween, nearestRankPercentile, summariseDays } from './percentile';

describe('durations in days', () => {
  it('measures fractional days, never negative', () => {
    expect(daysBetween(new Date('2025-01-15T09:00:00Z'), new Date('2025-01-17T21:00:00Z'))).toBe(2.5);
    expect(daysBetween(new Date('2025-01-15T09:00:00Z'), new Date('2025-01-15T08:00:00Z'))).toBe(0);
  });

  it('takes percentiles by nearest rank (always an observed value)', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRankPercentile(ten, 50)).toBe(5);
    expect(nearestRankPercentile(ten, 90)).toBe(9);
    expect(nearestRankPercentile([...ten, 11], 90)).toBe(10); // ceil(9.9) = rank 10
    expect(nearestRankPercentile([4], 90)).toBe(4);
    expect(nearestRankPercentile([], 50)).toBeNull();
  });

  it('summarises count, median and 90th percentile, rounded to 0.01 day, whatever the input order', () => {
    expect(summariseDays([3, 1 / 3, 2, 10])).toEqual({ count: 4, medianDays: 2, p90Days: 10 });
    expect(summariseDays([1 / 3])).toEqual({ count: 1, medianDays: 0.33, p90Days: 0.33 });
    expect(summariseDays([])).toEqual({ count: 0, medianDays: null, p90Days: null });
  });
});
