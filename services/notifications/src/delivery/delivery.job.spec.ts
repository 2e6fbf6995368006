import { deliveryJobId } from './delivery.job';

describe('deliveryJobId', () => {
  it('is stable per event and recipient and never contains ":"', () => {
    const a = deliveryJobId('ev:1', { organisationId: 'org-a' });
    expect(a).toBe(deliveryJobId('ev:1', { organisationId: 'org-a' }));
    expect(a).not.toContain(':');
    expect(a).not.toBe(deliveryJobId('ev:1', { serviceId: 'org-a' }));
    expect(a).not.toBe(deliveryJobId('ev:2', { organisationId: 'org-a' }));
  });
});
