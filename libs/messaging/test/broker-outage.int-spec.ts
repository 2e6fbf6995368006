// The broker dies (SIGKILL) mid-stream and comes back: nothing written through the outbox is
// lost, every effect is applied exactly once, and per-aggregate order holds. Runs its own
// throw-away broker so the shared one (used by parallel suites) is never disturbed.
import type { Collection, Document } from 'mongodb';
import { uniqueName, waitFor } from '@sp/testing';
import { EventPublisher } from '../src/event-publisher';
import { KafkaEventTransport } from '../src/kafka-event-transport';
import { outboxUpdate } from '../src/outbox-entry';
import { OutboxRelay } from '../src/outbox-relay';
import { createHarness, quietLogger, type Harness } from './support/harness';
import { itemCollections, itemHandler } from './support/items';
import { TEST_ITEM_TYPE } from './support/test-contracts';
import { ThrowawayKafka } from './support/throwaway-kafka';
import { readTopic } from './support/topic-reader';

jest.setTimeout(300_000);

const ITEMS = 6;
const PER_PHASE = 24;

describe('broker stopped and restarted mid-stream', () => {
  let kafka: ThrowawayKafka;
  let h: Harness;
  let transport: KafkaEventTransport;
  let publisher: EventPublisher;
  let relay: OutboxRelay;
  const fatalErrors: Error[] = [];

  beforeAll(async () => {
    kafka = await ThrowawayKafka.start();
    h = await createHarness('msg-outage', { brokers: kafka.brokers });
    const logger = quietLogger();
    transport = new KafkaEventTransport({
      connection: { brokers: kafka.brokers, clientId: 'test-consumer' },
      groupId: uniqueName('msg-outage-group'),
      registry: h.registry,
      sessionTimeoutMs: 10_000,
      logger,
      onFatal: (err) => fatalErrors.push(err),
    });
    transport.addEventHandler(TEST_ITEM_TYPE, itemHandler(h.db));
    await new Promise<void>((resolve, reject) => transport.listen((err) => (err ? reject(err) : resolve())));
    publisher = new EventPublisher({ brokers: kafka.brokers, clientId: 'test-relay' }, { logger });
    relay = new OutboxRelay({
      publisher,
      collections: [h.db.collection('aggregates')],
      pollIntervalMs: 100,
      maxErrorBackoffMs: 1_000,
      logger,
    });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await transport?.close();
    await publisher?.disconnect();
    await h?.cleanup();
    await kafka?.destroy();
  });

  it('loses nothing and applies every event once', async () => {
    const aggregates = h.db.collection('aggregates') as Collection<Document>;
    let seq = 0;
    // What a service does per command: one single-document update carrying state and event.
    const writePhase = async (): Promise<void> => {
      for (let i = 0; i < PER_PHASE; i += 1) {
        seq += 1;
        const itemId = `item-${seq % ITEMS}`;
        const env = h.envelope({ itemId, seq, amount: 1 });
        await aggregates.updateOne(
          { _id: `agg-${itemId}` } as Document,
          outboxUpdate([env], { registry: h.registry, merge: { $set: { lastSeq: seq } } }) as Document,
          { upsert: true },
        );
        relay.kick();
      }
    };
    const { items } = itemCollections(h.db);
    const appliedCount = async (): Promise<number> =>
      (await items.find().toArray()).reduce((n, doc) => n + doc.applied, 0);

    await writePhase();
    await waitFor(async () => (await appliedCount()) >= PER_PHASE / 2, {
      timeoutMs: 60_000,
      description: 'first events applied',
    });

    await kafka.kill();
    await writePhase();
    // Nothing can be published while the broker is down: the events wait in their documents.
    expect(await relay.backlog()).toBeGreaterThan(0);

    await kafka.restart();
    await writePhase();

    const total = 3 * PER_PHASE;
    await waitFor(async () => (await appliedCount()) === total && (await relay.backlog()) === 0, {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: `all ${total} events applied and the outbox drained`,
    }).catch(async (error: unknown) => {
      // Say which events are missing and whether the broker has them: lost before or after Kafka?
      const applied = new Set((await items.find().toArray()).flatMap((d) => d.seqs));
      const missing = Array.from({ length: total }, (_, i) => i + 1).filter((s) => !applied.has(s));
      const onTopic = (await readTopic(kafka.brokers, h.topic)).map(
        (r) => (JSON.parse(r.value ?? '{}') as { seq?: number }).seq,
      );
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}; missing seqs ${JSON.stringify(missing)}, ` +
          `of which on the topic: ${JSON.stringify(missing.filter((m) => onTopic.includes(m)))}; backlog ${await relay.backlog()}`,
      );
    });

    const docs = await items.find().toArray();
    expect(docs).toHaveLength(ITEMS);
    for (const doc of docs) {
      const k = Number(doc._id.replace('item-', ''));
      const expected = Array.from({ length: total }, (_, i) => i + 1).filter((s) => s % ITEMS === k);
      // Exactly once (applied count and total match) and in per-aggregate order.
      expect(doc.seqs).toEqual(expected);
      expect(doc.applied).toBe(expected.length);
      expect(doc.total).toBe(expected.length);
      expect(new Set(doc.appliedEventIds).size).toBe(expected.length);
    }
    expect(fatalErrors).toEqual([]);
    await waitFor(() => transport.isReady(), { timeoutMs: 30_000, description: 'consumer ready again' });
  });
});
