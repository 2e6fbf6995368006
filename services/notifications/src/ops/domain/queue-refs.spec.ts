import { queueRefs } from './queue-refs';

describe('queue refs', () => {
  it("lists the service's own queues under its prefix, then the extra ones with owner and prefix", () => {
    expect(
      queueRefs(
        ['notifications-delivery'],
        'referrals/referrals-deadline,referrals/p2:fhir-x,x',
        'sp',
        'notifications',
      ),
    ).toEqual([
      { name: 'notifications-delivery', prefix: 'sp', owner: 'notifications' },
      { name: 'referrals-deadline', prefix: 'sp', owner: 'referrals' },
      { name: 'fhir-x', prefix: 'p2', owner: 'referrals' },
      { name: 'x', prefix: 'sp', owner: 'other' },
    ]);
  });

  it('accepts no extra queues', () => {
    expect(queueRefs(['a'], '', 'sp', 'notifications')).toHaveLength(1);
  });

  it('refuses a queue named twice, since operators address queues by name', () => {
    expect(() => queueRefs(['a'], 'x:a', 'sp', 'notifications')).toThrow(/listed twice/);
  });
});
