import { overdueReasons } from './overdue';

const now = new Date('2026-03-10T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

describe('overdueReasons', () => {
  it('is first-contact when acceptance or assignment is older than the target and nobody reached the patient', () => {
    expect(overdueReasons({ acceptedAt: daysAgo(8) }, now, 7)).toEqual(['first-contact']);
    expect(overdueReasons({ assignedAt: daysAgo(7.5) }, now, 7)).toEqual(['first-contact']);
    expect(overdueReasons({ acceptedAt: daysAgo(6), assignedAt: daysAgo(1) }, now, 7)).toEqual([]);
    expect(overdueReasons({ acceptedAt: daysAgo(30), firstContactAt: daysAgo(29) }, now, 7)).toEqual([]);
    expect(overdueReasons({}, now, 7)).toEqual([]);
  });

  it('is plan-review when the plan’s next review date has passed', () => {
    expect(overdueReasons({ planNextDueAt: daysAgo(1), firstContactAt: daysAgo(3) }, now, 7)).toEqual([
      'plan-review',
    ]);
    expect(overdueReasons({ planNextDueAt: daysAgo(-1) }, now, 7)).toEqual([]);
    expect(overdueReasons({ acceptedAt: daysAgo(9), planNextDueAt: daysAgo(1) }, now, 7)).toEqual([
      'first-contact',
      'plan-review',
    ]);
  });
});
