import { mayMove } from './delivery-status';

describe('delivery status transitions', () => {
  it('moves forward through queued, sent and delivered', () => {
    expect(mayMove('queued', 'sent')).toBe(true);
    expect(mayMove('sent', 'delivered')).toBe(true);
    expect(mayMove('queued', 'delivered')).toBe(true);
  });

  it('never lets a late report move a notification backwards', () => {
    expect(mayMove('delivered', 'sent')).toBe(false);
    expect(mayMove('sent', 'queued')).toBe(false);
    expect(mayMove('delivered', 'failed')).toBe(false);
    expect(mayMove('suppressed', 'sent')).toBe(false);
  });

  it('lets a failed notification be retried or replayed, and a delivered one replayed', () => {
    expect(mayMove('failed', 'sent')).toBe(true);
    expect(mayMove('failed', 'delivered')).toBe(true);
    expect(mayMove('failed', 'queued')).toBe(true);
    expect(mayMove('delivered', 'queued')).toBe(true);
  });
});
