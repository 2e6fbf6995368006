import { queueRefs } from './queue-refs';

describe('queue refs', () => {
  it("lists the service's own queues under its prefix, then the extra ones", () => {
    expect(
      queueRefs(['notifications-delivery'], 'referrals-deadline,other:referrals-x', 'sp', 'notifications'),
    ).toEqual([
      { name: 'notifications-delivery', prefix: 'sp', owner: 'notifications' },
      { name: 'referrals-deadline', prefix: 'sp', owner: 'referrals' },
      { name: 'referrals-x', prefix: 'other', owner: 'referrals' },
    ]);
  });

  it('accepts no extra queues', () => {
    expect(queueRefs(['a'], '', 'sp', 'notifications')).toHaveLength(1);
  });

  it('refuses a queue named twice, since operators address queues by name', () => {
    expect(() => queueRefs(['a'], 'x:a', 'sp', 'notifications')).toThrow(/listed twice/);
  });
});
