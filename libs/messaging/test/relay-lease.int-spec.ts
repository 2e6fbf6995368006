// Several instances of a service each run a relay over the same collection. On the real database
// and broker: one of them holds the lease and publishes, so no entry is lost, none is published
// twice in normal operation (measured: records on the topic = entries written), per-aggregate
// order holds on the topic, a stopping holder hands over to the other at once, and a write handled
// by the standby instance reaches the holder through the change stream (not its poll).
import type { Collection, Document } from 'mongodb';
import { waitFor } from '@sp/testing';
import { EventPublisher, type PublishRecord } from '../src/event-publisher';
import { outboxUpdate } from '../src/outbox-entry';
import { OutboxRelay, type OutboxRelayOptions } from '../src/outbox-relay';
import { createHarness, quietLogger, type Harness } from './support/harness';
import { readTopic, type StoredRecord } from './support/topic-reader';

jest.setTimeout(180_000);

class CountingPublisher extends EventPublisher {
  records = 0;
  override async publish(records: PublishRecord[]): Promise<void> {
    await super.publish(records);
    this.records += records.length;
  }
}

describe('several relays on one collection', () => {
  let h: Harness;
  const publishers: CountingPublisher[] = [];
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    h = await createHarness('msg-relay-lease');
  });
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await Promise.all(publishers.map((p) => p.disconnect()));
    await h.cleanup();
  });

  async function relayOn(
    collection: Collection<Document>,
    name: string,
    opts: Partial<OutboxRelayOptions> = {},
  ): Promise<{ relay: OutboxRelay; publisher: CountingPublisher }> {
    const publisher = new CountingPublisher(
      { brokers: h.brokers, clientId: `test-relay-${name}` },
      { logger: quietLogger() },
    );
    await publisher.connect();
    const relay = new OutboxRelay({
      publisher,
      collections: [collection],
      pollIntervalMs: 50,
      maxIdlePollIntervalMs: 200,
      leaseTtlMs: 2_000,
      logger: quietLogger(),
      ...opts,
    });
    publishers.push(publisher);
    relays.push(relay);
    return { relay, publisher };
  }

  /** Per key, the seqs in topic order; every event id once. */
  function seqsByKey(records: StoredRecord[]): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const r of records) {
      const seq = (JSON.parse(r.value ?? '{}') as { seq: number }).seq;
      out.set(r.key ?? '', [...(out.get(r.key ?? '') ?? []), seq]);
    }
    return out;
  }

  it('publishes every entry once, in per-aggregate order, and hands over when the holder stops', async () => {
    const aggregates = h.db.collection<Document>('aggregates');
    const a = await relayOn(aggregates, 'a');
    const b = await relayOn(aggregates, 'b');
    a.relay.start();
    b.relay.start();
    await waitFor(() => a.relay.holdsLease() !== b.relay.holdsLease(), {
      timeoutMs: 10_000,
      description: 'exactly one relay holding the lease',
    });

    const KEYS = 8;
    let seq = 0;
    // Requests spread over the two instances: each write kicks the relay of "its" instance.
    const writePhase = async (count: number, kickers: OutboxRelay[]): Promise<void> => {
      for (let i = 0; i < count; i += 1) {
        seq += 1;
        const itemId = `item-${seq % KEYS}`;
        const env = h.envelope({ itemId, seq, amount: 1 });
        await aggregates.updateOne(
          { _id: `agg-${itemId}` } as Document,
          outboxUpdate([env], { registry: h.registry, merge: { $set: { lastSeq: seq } } }),
          { upsert: true },
        );
        kickers[i % kickers.length]?.kick();
      }
    };
    const drained = async (expected: number): Promise<void> => {
      await waitFor(
        async () => a.publisher.records + b.publisher.records >= expected && (await a.relay.backlog()) === 0,
        { timeoutMs: 60_000, description: `${expected} entries published and the outbox drained` },
      );
    };

    await writePhase(200, [a.relay, b.relay]);
    await drained(200);
    const [holder, standby] = a.relay.holdsLease() ? [a, b] : [b, a];
    // The measure: the standby published nothing; the topic holds each entry once, not twice.
    expect(holder.publisher.records).toBe(200);
    expect(standby.publisher.records).toBe(0);

    // The holder stops (a deploy): it releases the lease, the other takes over without waiting
    // for the ttl, and publishes what is written from now on.
    await holder.relay.stop();
    await writePhase(100, [standby.relay]);
    await drained(300);
    expect(standby.relay.holdsLease()).toBe(true);
    expect(standby.publisher.records).toBe(100);

    const records = await readTopic(h.brokers, h.topic);
    expect(records).toHaveLength(300);
    expect(new Set(records.map((r) => r.headers['ce_id'])).size).toBe(300);
    const byKey = seqsByKey(records);
    expect(byKey.size).toBe(KEYS);
    for (const [key, seqs] of byKey) {
      const k = Number(key.replace('item-', ''));
      expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1).filter((s) => s % KEYS === k));
    }
    const leftovers = await aggregates.countDocuments({ outboxPending: true });
    expect(leftovers).toBe(0);
  });

  it('wakes the holder through the change stream when the standby instance handles the write', async () => {
    const orders = h.db.collection<Document>('orders');
    // Polls far apart: within the test's timeout only the change stream can explain a publish.
    const slow = { pollIntervalMs: 60_000, maxIdlePollIntervalMs: 60_000, leaseTtlMs: 120_000 };
    const holder = await relayOn(orders, 'holder', slow);
    holder.relay.start();
    await waitFor(() => holder.relay.holdsLease(), {
      timeoutMs: 10_000,
      description: 'holder has the lease',
    });
    const standby = await relayOn(orders, 'standby', slow);
    standby.relay.start();

    // Each round writes one pending document on the standby's side (kicking only the standby)
    // until the holder has published one; the first write may precede the stream's first batch.
    let written = 0;
    await waitFor(
      async () => {
        if (holder.publisher.records > 0) return true;
        written += 1;
        const env = h.envelope({ itemId: `wake-${written}`, seq: written, amount: 1 });
        await orders.updateOne(
          { _id: `order-${written}` } as Document,
          outboxUpdate([env], { registry: h.registry }),
          { upsert: true },
        );
        standby.relay.kick();
        return false;
      },
      { timeoutMs: 15_000, intervalMs: 500, description: 'the holder woken by the change stream' },
    );
    expect(standby.publisher.records).toBe(0);
    expect(standby.relay.holdsLease()).toBe(false);
    expect(written).toBeLessThanOrEqual(3);
  });
});
