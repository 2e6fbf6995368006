import { metricsRegistry } from '@sp/observability';
import { registerRelayGauges, type RelayGaugeSource } from './outbox-relay-metrics';

describe('relay gauges', () => {
  it('report each live relay on scrape: the backlog (set, not summed) and who holds the lease', async () => {
    const relays = new Set<RelayGaugeSource>();
    registerRelayGauges(relays);
    registerRelayGauges(relays); // idempotent
    const relay = (lease: string, held: boolean, backlog: number): RelayGaugeSource => ({
      leaseName: lease,
      holdsLease: () => held,
      backlogByCollection: async () => ({ orders: backlog }),
    });
    // Two instances of one service: the same backlog seen twice, one holder.
    relays.add(relay('outbox:db.orders', true, 7));
    relays.add(relay('outbox:db.orders', false, 7));
    relays.add({
      ...relay('outbox:db.broken', false, 0),
      backlogByCollection: () => Promise.reject(new Error('down')),
    });

    const backlog = await metricsRegistry.getSingleMetric('sp_outbox_backlog')?.get();
    expect(backlog?.values).toEqual([{ labels: { collection: 'orders' }, value: 7 }]);
    const held = await metricsRegistry.getSingleMetric('sp_outbox_relay_lease_held')?.get();
    expect(held?.values).toEqual(
      expect.arrayContaining([
        { labels: { lease: 'outbox:db.orders' }, value: 1 },
        { labels: { lease: 'outbox:db.broken' }, value: 0 },
      ]),
    );
  });
});
