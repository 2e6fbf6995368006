import { digestContent, digestPersonalisation, isEmpty, londonDay } from './digest-content';

const since = new Date('2026-12-02T07:00:00Z');

describe('daily digest content', () => {
  const open = [
    { referralId: 'r-new-2', submittedAt: '2026-12-03T06:00:00Z' },
    { referralId: 'r-old', submittedAt: '2026-11-28T10:00:00Z' },
    { referralId: 'r-new-1', submittedAt: '2026-12-02T09:00:00Z' },
    {
      referralId: 'r-late',
      submittedAt: '2026-11-20T10:00:00Z',
      remindedAt: '2026-12-01T10:00:00Z',
      respondBy: '2026-12-04T10:00:00Z',
    },
  ];

  it('sorts unanswered referrals into new since the last digest, overdue (reminded), and waiting', () => {
    const content = digestContent(open, since);
    expect(content.new.map((r) => r.referralId)).toEqual(['r-new-1', 'r-new-2']);
    expect(content.overdue.map((r) => r.referralId)).toEqual(['r-late']);
    expect(content.waiting.map((r) => r.referralId)).toEqual(['r-old']);
    expect(isEmpty(content)).toBe(false);
    expect(isEmpty(digestContent([], since))).toBe(true);
  });

  it('lists ids and dates only, with the deadline of overdue ones', () => {
    const p = digestPersonalisation(
      digestContent(open, since),
      new Date('2026-12-03T07:00:00Z'),
      'http://x/v1/referrals',
    );
    expect(p).toEqual({
      date: '3 Dec 2026',
      newCount: '2',
      waitingCount: '1',
      overdueCount: '1',
      newList: '- r-new-1 (submitted 2 Dec 2026)\n- r-new-2 (submitted 3 Dec 2026)',
      waitingList: '- r-old (submitted 28 Nov 2026)',
      overdueList: '- r-late (submitted 20 Nov 2026, respond by 4 Dec 2026)',
      referralsUrl: 'http://x/v1/referrals',
    });
    expect(digestPersonalisation(digestContent([], since), since, 'u').newList).toBe('- none');
  });

  it('names the London day (after midnight in London in summer is still the previous UTC day)', () => {
    expect(londonDay(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(londonDay(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
  });
});
