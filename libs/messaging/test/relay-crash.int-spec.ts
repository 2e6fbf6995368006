// An outbox relay killed (SIGKILL) after Kafka acknowledged a batch and before the entries were
// removed from the document: the relay that replaces it takes the lease once the dead one's has
// expired and republishes them (at-least-once: the topic really holds the events twice), and the
// consumer still applies each event once.
import { waitFor, uniqueName } from '@sp/testing';
import { RELAY_LEASES_COLLECTION } from '../src/outbox-lease';
import { KafkaEventTransport } from '../src/kafka-event-transport';
import { outboxInsertFields } from '../src/outbox-entry';
import { FixtureProcess } from './support/fixture-process';
import { createHarness, quietLogger, type Harness } from './support/harness';
import { itemCollections, itemHandler } from './support/items';
import { TEST_ITEM_TYPE } from './support/test-contracts';
import { readTopic } from './support/topic-reader';

jest.setTimeout(180_000);

describe('outbox relay crash between publish and marking', () => {
  let h: Harness;
  const processes: FixtureProcess[] = [];
  let transport: KafkaEventTransport | undefined;

  beforeAll(async () => {
    h = await createHarness('msg-relay-crash');
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await transport?.close();
    await h.cleanup();
  });

  it('republishes after restart and the effect still happens once', async () => {
    const orders = h.db.collection<{ _id: string; status: string; outbox: unknown[] }>('orders');
    const envs = [1, 2, 3].map((seq) => h.envelope({ itemId: 'item-r', seq, amount: seq }));
    // What a service does: state change and its events in one single-document write.
    await orders.insertOne({
      _id: 'order-1',
      status: 'placed',
      ...outboxInsertFields(envs, { registry: h.registry }),
    });
    const leaseTtlMs = 3_000;
    const env = {
      KAFKA_BROKERS: h.brokers.join(','),
      MONGO_URL: h.mongoUrl,
      COLLECTION: 'orders',
      LEASE_TTL_MS: String(leaseTtlMs),
    };

    const first = FixtureProcess.start('relay-process.ts', { ...env, KILL_AFTER_PUBLISH: '1' });
    processes.push(first);
    expect((await first.waitForExit(60_000)).signal).toBe('SIGKILL');
    expect(first.lines).toContain('PUBLISHED 3');
    expect((await orders.findOne({ _id: 'order-1' }))?.outbox).toHaveLength(3);
    expect((await readTopic(h.brokers, h.topic)).map((r) => r.headers['ce_id'])).toEqual(
      envs.map((e) => e.id),
    );

    // The dead relay still holds the lease until it expires (database time).
    const leases = h.db.collection<{ _id: string; owner: string | null; expiresAt: Date }>(
      RELAY_LEASES_COLLECTION,
    );
    const deadLease = await leases.findOne({});
    expect(deadLease?.owner).toMatch(/:\d+:/);
    const second = FixtureProcess.start('relay-process.ts', env);
    processes.push(second);
    await waitFor(async () => (await orders.findOne({ _id: 'order-1' }))?.outbox.length === 0, {
      timeoutMs: 30_000,
      description: 'outbox drained by the restarted relay',
    });
    const drainedAt = Date.now();
    // Not before the dead relay's lease ran out: no two relays publish at the same time.
    expect(drainedAt).toBeGreaterThanOrEqual((deadLease?.expiresAt.getTime() ?? 0) - 100);
    expect((await leases.findOne({}))?.owner).not.toBe(deadLease?.owner);
    await second.stop();
    // Stopping releases the lease.
    expect((await leases.findOne({}))?.owner).toBeNull();

    // The broker holds every event twice, in per-aggregate order each time, on one partition.
    const stored = await readTopic(h.brokers, h.topic);
    expect(stored.map((r) => r.headers['ce_id'])).toEqual([...envs, ...envs].map((e) => e.id));
    expect(new Set(stored.map((r) => r.partition)).size).toBe(1);
    expect(stored.every((r) => r.key === 'item-r')).toBe(true);

    transport = new KafkaEventTransport({
      connection: { brokers: h.brokers, clientId: 'test-consumer' },
      groupId: uniqueName('msg-relay-crash-group'),
      registry: h.registry,
      logger: quietLogger(),
    });
    transport.addEventHandler(TEST_ITEM_TYPE, itemHandler(h.db));
    await new Promise<void>((resolve, reject) => transport?.listen((err) => (err ? reject(err) : resolve())));

    const { items, deliveries } = itemCollections(h.db);
    await waitFor(async () => (await deliveries.countDocuments()) === 6, {
      timeoutMs: 60_000,
      description: 'six deliveries',
    });
    const item = await items.findOne({ _id: 'item-r' });
    expect(item?.total).toBe(6);
    expect(item?.applied).toBe(3);
    expect(item?.seqs).toEqual([1, 2, 3]);
  });
});
