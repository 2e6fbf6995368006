import { statusFromReceipt } from './delivery-receipt';

describe('statusFromReceipt', () => {
  it('marks a delivered receipt delivered', () => {
    expect(statusFromReceipt('delivered')).toEqual({ status: 'delivered' });
  });

  it.each(['permanent-failure', 'temporary-failure', 'technical-failure'] as const)(
    "marks %s failed with Notify's status as the reason",
    (status) => {
      expect(statusFromReceipt(status)).toEqual({ status: 'failed', reason: `notify:${status}` });
    },
  );
});
