import { CONTACT_CLOCK_TOLERANCE_MS, contactTimeProblems, firstContact } from './contact.rules';

const submitted = new Date('2026-11-01T09:00:00Z');
const now = new Date('2026-11-10T12:00:00Z');

describe('contactTimeProblems', () => {
  it('accepts a time between submission and now, including the clock tolerance', () => {
    expect(contactTimeProblems(new Date('2026-11-05T10:00:00Z'), submitted, now)).toEqual([]);
    expect(contactTimeProblems(submitted, submitted, now)).toEqual([]);
    expect(contactTimeProblems(new Date(now.getTime() + CONTACT_CLOCK_TOLERANCE_MS), submitted, now)).toEqual(
      [],
    );
  });

  it('refuses a time in the future beyond the tolerance, naming at', () => {
    expect(
      contactTimeProblems(new Date(now.getTime() + CONTACT_CLOCK_TOLERANCE_MS + 1), submitted, now),
    ).toEqual([expect.objectContaining({ field: 'at', code: 'in_future' })]);
  });

  it('refuses a time before the referral was submitted, naming at', () => {
    expect(contactTimeProblems(new Date(submitted.getTime() - 1), submitted, now)).toEqual([
      expect.objectContaining({ field: 'at', code: 'before_referral' }),
    ]);
  });
});

describe('firstContact', () => {
  const at = (iso: string) => new Date(`2026-11-0${iso}Z`);

  it('is the first reached contact, counting the unsuccessful attempts before it', () => {
    const recorded = [
      { at: at('2T10:00:00'), outcome: 'no-answer' as const },
      { at: at('3T10:00:00'), outcome: 'wrong-number' as const },
      { at: at('6T10:00:00'), outcome: 'no-answer' as const },
    ];
    expect(firstContact({ at: at('4T10:00:00'), outcome: 'reached' }, undefined, recorded)).toEqual({
      attemptsBefore: 2,
    });
    expect(firstContact({ at: at('4T10:00:00'), outcome: 'reached' }, undefined, [])).toEqual({
      attemptsBefore: 0,
    });
  });

  it('is nothing for an unsuccessful contact', () => {
    for (const outcome of ['no-answer', 'declined', 'wrong-number'] as const)
      expect(firstContact({ at: at('4T10:00:00'), outcome }, undefined, [])).toBeUndefined();
  });

  it('is nothing once the referral has a first-contact time (a later reached contact does not move it)', () => {
    expect(firstContact({ at: at('1T10:00:00'), outcome: 'reached' }, at('4T10:00:00'), [])).toBeUndefined();
  });
});
