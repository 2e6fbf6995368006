import { deliveryJobId } from './delivery.job';

describe('deliveryJobId', () => {
  it('is stable per event and acceptable to BullMQ (no ":" in custom ids)', () => {
    const id = deliveryJobId('0e90ec3e-d6bb-461e-9d6c-1890f2e7ac12');
    expect(id).toBe(deliveryJobId('0e90ec3e-d6bb-461e-9d6c-1890f2e7ac12'));
    expect(id).not.toContain(':');
  });
});
