// A consumer killed (SIGKILL) after writing an effect and before committing the offset gets the
// message again after restart; the effect still happens exactly once (applyOnce).
import { EventPublisher } from '../src/event-publisher';
import { FixtureProcess } from './support/fixture-process';
import { createHarness, type Harness } from './support/harness';
import { itemCollections } from './support/items';
import { uniqueName, waitFor } from '@sp/testing';

jest.setTimeout(180_000);

describe('consumer crash between effect and offset commit', () => {
  let h: Harness;
  let publisher: EventPublisher;
  const processes: FixtureProcess[] = [];

  beforeAll(async () => {
    h = await createHarness('msg-consumer-crash');
    publisher = new EventPublisher({ brokers: h.brokers, clientId: 'test-publisher' });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await publisher.disconnect();
    await h.cleanup();
  });

  it('redelivers the message and applies its effect exactly once', async () => {
    const { items, deliveries } = itemCollections(h.db);
    const groupId = uniqueName('msg-crash-group');
    // Five events of one item: same key, same partition, strict order. The third is the victim.
    const envs = [1, 2, 3, 4, 5].map((seq) => h.envelope({ itemId: 'item-a', seq, amount: seq * 10 }));
    const victim = envs[2]?.id ?? '';
    const env = {
      KAFKA_BROKERS: h.brokers.join(','),
      MONGO_URL: h.mongoUrl,
      TOPIC: h.topic,
      GROUP_ID: groupId,
    };

    const first = FixtureProcess.start('consumer-process.ts', { ...env, KILL_AFTER_EFFECT_OF: victim });
    processes.push(first);
    await first.waitForLine('READY');
    await publisher.publishEnvelopes(envs, h.registry);

    const exit = await first.waitForExit(60_000);
    expect(exit.signal).toBe('SIGKILL');
    // The victim's effect is in the database, and its offset was never committed.
    expect((await items.findOne({ _id: 'item-a' }))?.appliedEventIds).toContain(victim);
    expect(await deliveries.countDocuments({ eventId: victim })).toBe(1);

    const second = FixtureProcess.start('consumer-process.ts', env);
    processes.push(second);
    await second.waitForLine('READY');
    const item = await waitFor(
      async () => {
        const doc = await items.findOne({ _id: 'item-a' });
        return doc !== null && doc.appliedEventIds.length === 5 ? doc : undefined;
      },
      { timeoutMs: 60_000, description: 'all five events applied' },
    );

    // Kafka really delivered the victim twice (once per process)...
    const victimDeliveries = await deliveries.find({ eventId: victim }).toArray();
    expect(victimDeliveries).toHaveLength(2);
    expect(new Set(victimDeliveries.map((d) => d.pid)).size).toBe(2);
    // ...and every effect happened once: 10+20+30+40+50, in order, each event applied once.
    expect(item.total).toBe(150);
    expect(item.applied).toBe(5);
    expect(item.seqs).toEqual([1, 2, 3, 4, 5]);
    expect([...item.appliedEventIds].sort()).toEqual(envs.map((e) => e.id).sort());
    await second.stop();
    expect(second.exit?.code).toBe(0);
  });
});
