// The relay's gauges, computed on scrape over every live relay of the process.
import { gauge } from '@sp/observability';

export interface RelayGaugeSource {
  readonly leaseName: string;
  holdsLease(): boolean;
  backlogByCollection(): Promise<Record<string, number>>;
}

let registered = false;

/** Registers the gauges once per process; `relays` is read at every scrape. */
export function registerRelayGauges(relays: ReadonlySet<RelayGaugeSource>): void {
  if (registered) return;
  registered = true;
  gauge<'collection'>({
    name: 'sp_outbox_backlog',
    help: 'Outbox entries written but not yet published to Kafka, per collection',
    labelNames: ['collection'],
    async collect() {
      this.reset();
      for (const relay of relays) {
        const counts = await relay.backlogByCollection().catch(() => ({}) as Record<string, number>);
        // Every instance of a service sees the same backlog: set, not add (aggregate with max).
        for (const [collection, n] of Object.entries(counts)) this.set({ collection }, n);
      }
    },
  });
  gauge<'lease'>({
    name: 'sp_outbox_relay_lease_held',
    help: 'Whether this process holds the outbox relay lease (1) or stands by (0); one holder per lease',
    labelNames: ['lease'],
    collect() {
      this.reset();
      const held = new Map<string, number>();
      for (const relay of relays)
        held.set(relay.leaseName, Math.max(held.get(relay.leaseName) ?? 0, relay.holdsLease() ? 1 : 0));
      for (const [lease, value] of held) this.set({ lease }, value);
    },
  });
}
