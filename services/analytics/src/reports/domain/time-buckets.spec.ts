import { bucketsBetween, isoWeekOf, monthOf } from './time-buckets';

describe('time buckets (UTC)', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-W01'], // a Thursday: week 1 of its own year
    ['2025-12-29T00:00:00Z', '2026-W01'], // the Monday of that week, still in December
    ['2025-12-28T23:59:59Z', '2025-W52'], // the Sunday before
    ['2027-01-01T12:00:00Z', '2026-W53'], // a Friday: the last week of the previous ISO year
    ['2021-01-03T12:00:00Z', '2020-W53'], // a Sunday in a 53-week year
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2026-06-15T10:00:00Z', '2026-W25'],
  ])('puts %s in ISO week %s', (at, week) => {
    expect(isoWeekOf(new Date(at))).toBe(week);
  });

  it('names months YYYY-MM by the UTC date (not British Summer Time)', () => {
    expect(monthOf(new Date('2026-03-31T23:30:00Z'))).toBe('2026-03');
    expect(monthOf(new Date('2026-05-31T23:30:00Z'))).toBe('2026-05'); // 00:30 on 1 June in London
    expect(monthOf(new Date('2026-12-01T00:00:00Z'))).toBe('2026-12');
  });

  it('lists the whole buckets overlapping [from, to)', () => {
    const months = bucketsBetween(
      'month',
      new Date('2026-01-15T00:00:00Z'),
      new Date('2026-03-01T00:00:00Z'),
    );
    expect(months.map((b) => [b.label, b.start.toISOString(), b.end.toISOString()])).toEqual([
      ['2026-01', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['2026-02', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ]);
    const weeks = bucketsBetween('week', new Date('2025-12-31T00:00:00Z'), new Date('2026-01-06T00:00:00Z'));
    expect(weeks.map((b) => b.label)).toEqual(['2026-W01', '2026-W02']);
    expect(weeks[0]!.start.toISOString()).toBe('2025-12-29T00:00:00.000Z');
  });
});
