import { endOfUkDay, isInFuture, ukDate } from './case-dates';

describe('case-record dates (UK days)', () => {
  it('reads the UK calendar date, which is ahead of UTC in summer', () => {
    expect(ukDate(new Date('2026-06-01T23:30:00Z'))).toBe('2026-06-02');
    expect(ukDate(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
  });

  it('ends a UK day at the next UK midnight, in winter and in summer', () => {
    expect(endOfUkDay('2026-12-03').toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(endOfUkDay('2026-06-02').toISOString()).toBe('2026-06-02T23:00:00.000Z');
    // The day the clocks go forward (29 March 2026) ends at 23:00 UTC.
    expect(endOfUkDay('2026-03-29').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    // The day before, still GMT at its end.
    expect(endOfUkDay('2026-03-28').toISOString()).toBe('2026-03-29T00:00:00.000Z');
  });

  it('allows a client clock a little ahead, no more', () => {
    const now = new Date('2026-12-03T10:00:00Z');
    expect(isInFuture(new Date('2026-12-03T10:01:00Z'), now)).toBe(false);
    expect(isInFuture(new Date('2026-12-03T10:05:00Z'), now)).toBe(true);
  });
});
