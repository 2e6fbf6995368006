// Poison messages are dead-lettered with their reason and origin, never block their partition,
// and DeadLetterAdmin can list, inspect and replay them once the cause is fixed.
import { metricsRegistry } from '@sp/observability';
import { uniqueName, waitFor } from '@sp/testing';
import { toKafkaRecord } from '@sp/contracts';
import { DeadLetterAdmin } from '../src/dead-letter-admin';
import { EventPublisher } from '../src/event-publisher';
import { KafkaEventTransport } from '../src/kafka-event-transport';
import { createHarness, quietLogger, type Harness } from './support/harness';
import { itemCollections, itemHandler, setFailures } from './support/items';
import { TEST_ITEM_TYPE } from './support/test-contracts';
import { readTopic } from './support/topic-reader';

jest.setTimeout(180_000);

describe('poison messages and the dead-letter topic', () => {
  let h: Harness;
  let publisher: EventPublisher;
  let transport: KafkaEventTransport;
  let admin: DeadLetterAdmin;
  const groupId = uniqueName('msg-poison-group');

  beforeAll(async () => {
    h = await createHarness('msg-poison');
    publisher = new EventPublisher(
      { brokers: h.brokers, clientId: 'test-publisher' },
      { logger: quietLogger() },
    );
    admin = new DeadLetterAdmin({ brokers: h.brokers, clientId: 'test-dlq-admin' }, h.registry, {
      logger: quietLogger(),
    });
    transport = new KafkaEventTransport({
      connection: { brokers: h.brokers, clientId: 'test-consumer' },
      groupId,
      registry: h.registry,
      retry: { attempts: 3, initialBackoffMs: 20, maxBackoffMs: 100 },
      logger: quietLogger(),
    });
    transport.addEventHandler(TEST_ITEM_TYPE, itemHandler(h.db));
    await new Promise<void>((resolve, reject) => transport.listen((err) => (err ? reject(err) : resolve())));
    await waitFor(() => transport.isReady(), { timeoutMs: 30_000, description: 'consumer ready' });
  });

  afterAll(async () => {
    await transport.close();
    await publisher.disconnect();
    await admin.close();
    await h.cleanup();
  });

  it('dead-letters poison, keeps its partition moving, and replays it after the fix', async () => {
    const { items, deliveries } = itemCollections(h.db);
    // One key: everything below goes to the same partition, in this order.
    const [poison, flaky, ok1, ok2] = [1, 2, 4, 5].map((seq) =>
      h.envelope({ itemId: 'item-p', seq, amount: seq }),
    );
    if (!poison || !flaky || !ok1 || !ok2) throw new Error('envelopes');
    await setFailures(h.db, { nonRetriable: [poison.id], retriable: [flaky.id] });
    // A record that breaks its contract (amount must be >= 0), produced behind the library's back.
    const invalid = toKafkaRecord(h.envelope({ itemId: 'item-p', seq: 3, amount: 1 }));
    const invalidRecord = {
      ...invalid,
      value: Buffer.from(JSON.stringify({ itemId: 'item-p', seq: 3, amount: -5 })),
    };

    await publisher.publishEnvelopes([poison, flaky], h.registry);
    await publisher.publish([{ topic: h.topic, ...invalidRecord }]);
    await publisher.publishEnvelopes([ok1, ok2], h.registry);

    // Later messages on the same partition are processed.
    await waitFor(async () => (await items.findOne({ _id: 'item-p' }))?.seqs.join(',') === '4,5', {
      timeoutMs: 30_000,
      description: 'the two good events applied',
    });

    const stored = await readTopic(h.brokers, h.topic);
    const partition = stored[0]?.partition;
    const offsetOf = (id: string): string | undefined =>
      stored.find((r) => r.headers['ce_id'] === id)?.offset;

    const dlq = await readTopic(h.brokers, `${h.topic}.dlq`);
    expect(dlq).toHaveLength(3);
    const byId = new Map(dlq.map((r) => [r.headers['ce_id'], r]));
    expect(byId.get(poison.id)?.headers).toMatchObject({
      dlq_error_code: 'TEST.POISON',
      dlq_reason: 'non-retriable',
      dlq_attempts: '1',
      dlq_original_topic: h.topic,
      dlq_original_partition: String(partition),
      dlq_original_offset: offsetOf(poison.id),
      dlq_consumer_group: groupId,
    });
    expect(byId.get(flaky.id)?.headers).toMatchObject({
      dlq_error_code: 'HANDLER.FAILED',
      dlq_reason: 'attempts-exhausted',
      dlq_attempts: '3',
    });
    expect(byId.get(invalid.headers['ce_id'])?.headers).toMatchObject({
      dlq_error_code: 'CONTRACT.INVALID_EVENT',
      dlq_reason: 'contract-violation',
    });
    // The original bytes are kept: key, value and CloudEvents headers.
    const poisonDlq = byId.get(poison.id);
    expect(poisonDlq?.key).toBe('item-p');
    expect(poisonDlq?.value).toBe(JSON.stringify(poison.data));
    expect(poisonDlq?.headers['ce_type']).toBe(TEST_ITEM_TYPE);
    // Non-retriable: one delivery; retriable: three attempts; the invalid record never reached the handler.
    expect(await deliveries.countDocuments({ eventId: poison.id })).toBe(1);
    expect(await deliveries.countDocuments({ eventId: flaky.id })).toBe(3);
    expect(await deliveries.countDocuments({ eventId: invalid.headers['ce_id'] })).toBe(0);

    const metrics = await metricsRegistry.getSingleMetricAsString('sp_dead_letters_total');
    expect(metrics).toContain(
      `sp_dead_letters_total{group="${groupId}",topic="${h.topic}",reason="non-retriable"} 1`,
    );
    expect(metrics).toContain(
      `sp_dead_letters_total{group="${groupId}",topic="${h.topic}",reason="contract-violation"} 1`,
    );

    // Operations: list, inspect, then replay once the cause is fixed.
    const listed = await admin.list({ topic: h.topic });
    expect(listed.map((e) => e.eventId).sort()).toEqual(
      [poison.id, flaky.id, invalid.headers['ce_id']].sort(),
    );
    const entry = listed.find((e) => e.eventId === poison.id);
    expect(entry).toMatchObject({
      dlqTopic: `${h.topic}.dlq`,
      originalTopic: h.topic,
      originalPartition: partition,
      originalOffset: offsetOf(poison.id),
      consumerGroup: groupId,
      errorCode: 'TEST.POISON',
      reason: 'non-retriable',
      attempts: 1,
      eventType: TEST_ITEM_TYPE,
      key: 'item-p',
    });
    if (!entry) throw new Error('entry');
    const detail = await admin.inspect(entry.dlqTopic, entry.partition, entry.offset);
    expect(detail.payload).toEqual(poison.data);
    expect(detail.contract).toEqual({ valid: true });
    expect(Object.keys(detail.originalHeaders).some((k) => k.startsWith('dlq_'))).toBe(false);
    const invalidEntry = listed.find((e) => e.eventId === invalid.headers['ce_id']);
    if (!invalidEntry) throw new Error('invalid entry');
    expect(
      (await admin.inspect(invalidEntry.dlqTopic, invalidEntry.partition, invalidEntry.offset)).contract,
    ).toMatchObject({
      valid: false,
      code: 'CONTRACT.INVALID_EVENT',
    });
    await expect(admin.inspect(entry.dlqTopic, entry.partition, '999')).rejects.toMatchObject({
      code: 'DEAD_LETTER.NOT_FOUND',
    });

    await setFailures(h.db, {});
    expect(await admin.replay(entry.dlqTopic, entry.partition, entry.offset)).toEqual({
      republishedTo: h.topic,
    });
    const item = await waitFor(
      async () => {
        const doc = await items.findOne({ _id: 'item-p' });
        return doc?.appliedEventIds.includes(poison.id) ? doc : undefined;
      },
      { timeoutMs: 30_000, description: 'replayed event applied' },
    );
    expect(item.total).toBe(1 + 4 + 5);
    const replayed = (await readTopic(h.brokers, h.topic)).filter((r) => r.headers['ce_id'] === poison.id);
    expect(replayed).toHaveLength(2);
    expect(replayed[1]?.headers['sp_replayed_from']).toBe(
      `${entry.dlqTopic}/${entry.partition}/${entry.offset}`,
    );
    expect(Object.keys(replayed[1]?.headers ?? {}).some((k) => k.startsWith('dlq_'))).toBe(false);
  });
});
