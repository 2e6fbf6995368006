import { handoverNotices } from './handover-notices';

describe('handoverNotices', () => {
  it('tells the new assignee, and on a handover the previous one too', () => {
    expect(
      handoverNotices({ action: 'assigned', assigneeSub: 'lw-ali', assignedBySub: 'lead-chris' }),
    ).toEqual([{ kind: 'referral.assigned', personSub: 'lw-ali' }]);
    expect(
      handoverNotices({
        action: 'reassigned',
        assigneeSub: 'lw-bea',
        previousAssigneeSub: 'lw-ali',
        assignedBySub: 'lead-chris',
      }),
    ).toEqual([
      { kind: 'referral.assigned', personSub: 'lw-bea' },
      { kind: 'referral.handed-over', personSub: 'lw-ali' },
    ]);
  });

  it('never tells the person who made the change, and nobody on an unassignment', () => {
    expect(handoverNotices({ action: 'assigned', assigneeSub: 'lw-ali', assignedBySub: 'lw-ali' })).toEqual(
      [],
    );
    expect(
      handoverNotices({
        action: 'reassigned',
        assigneeSub: 'lw-bea',
        previousAssigneeSub: 'lw-ali',
        assignedBySub: 'lw-ali',
      }),
    ).toEqual([{ kind: 'referral.assigned', personSub: 'lw-bea' }]);
    expect(handoverNotices({ action: 'unassigned', previousAssigneeSub: 'lw-ali' })).toEqual([]);
  });

  it('tells the assignee when an API client (no person) made the change', () => {
    expect(handoverNotices({ action: 'assigned', assigneeSub: 'lw-ali' })).toEqual([
      { kind: 'referral.assigned', personSub: 'lw-ali' },
    ]);
  });
});
