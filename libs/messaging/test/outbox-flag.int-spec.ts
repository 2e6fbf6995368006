// The pending flag and the marking on the real database: the relay clears the flag once a
// document's outbox is empty, never strands entries a writer appends while it publishes or marks
// (each marking is one atomic pipeline update that removes only the published ids), reads pending
// documents through the flag's index, and leaves malformed entries in place.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Collection, Document } from 'mongodb';
import { waitFor } from '@sp/testing';
import type { PublishRecord } from '../src/event-publisher';
import { outboxEntriesFor, outboxInsertFields, outboxUpdate } from '../src/outbox-entry';
import { OutboxRelay } from '../src/outbox-relay';
import { PENDING_OUTBOX_FILTER } from '../src/outbox-relay-queries';
import { createHarness, quietLogger, type Harness } from './support/harness';

jest.setTimeout(90_000);

describe('outbox pending flag', () => {
  let h: Harness;
  const relays: OutboxRelay[] = [];
  beforeAll(async () => {
    h = await createHarness('msg-outbox-flag');
  });
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await h.cleanup();
  });

  type Order = { _id: string } & Document;
  /** The collection typed for the test, and as the relay takes it (untyped documents). */
  function collection(name: string): [Collection<Order>, Collection<Document>] {
    const c = h.db.collection<Order>(name);
    return [c, c as unknown as Collection<Document>];
  }

  function relayOf(untyped: Collection<Document>, publisher: RecordingPublisher): OutboxRelay {
    const relay = new OutboxRelay({ publisher, collections: [untyped], logger: quietLogger() });
    relays.push(relay);
    return relay;
  }

  interface RecordingPublisher {
    publish(r: PublishRecord[]): Promise<void>;
    ids: string[];
  }

  /** A publisher that records what it was given and can run a callback mid-publish (the race window). */
  function recordingPublisher(during?: () => Promise<void>): RecordingPublisher {
    const ids: string[] = [];
    return {
      ids,
      async publish(records) {
        ids.push(...records.map((r) => r.headers['ce_id'] ?? '?'));
        await during?.();
      },
    };
  }

  it('publishes flagged entries, then empties the outbox and clears the flag', async () => {
    const [orders, untyped] = collection('orders-clear');
    const envs = [1, 2].map((seq) => h.envelope({ itemId: 'item-a', seq, amount: 1 }));
    await orders.insertOne({
      _id: 'a',
      status: 'placed',
      ...outboxInsertFields(envs, { registry: h.registry }),
    });
    const publisher = recordingPublisher();
    const relay = relayOf(untyped, publisher);

    expect(await relay.backlog()).toBe(2);
    expect(await relay.runOnce()).toBe(2);
    expect(publisher.ids).toEqual(envs.map((e) => e.id));
    expect(await orders.findOne({ _id: 'a' })).toMatchObject({
      status: 'placed',
      outbox: [],
      outboxPending: false,
    });
    expect(await relay.runOnce()).toBe(0);
    expect(await relay.backlog()).toBe(0);
  });

  it('keeps the flag when a writer appends entries while the batch is being published', async () => {
    const [orders, untyped] = collection('orders-race');
    const first = h.envelope({ itemId: 'item-b', seq: 1, amount: 1 });
    const late = h.envelope({ itemId: 'item-b', seq: 2, amount: 1 });
    await orders.insertOne({ _id: 'b', ...outboxInsertFields([first], { registry: h.registry }) });
    let appended = false;
    const publisher = recordingPublisher(async () => {
      if (appended) return;
      appended = true;
      // A service write between the relay's find and its marking: one plain single-document update.
      await orders.updateOne(
        { _id: 'b' },
        outboxUpdate([late], { registry: h.registry, merge: { $set: { status: 'shipped' } } }),
      );
    });
    const relay = relayOf(untyped, publisher);

    expect(await relay.runOnce()).toBe(1);
    const afterFirst = await orders.findOne({ _id: 'b' });
    expect(afterFirst).toMatchObject({ status: 'shipped', outboxPending: true });
    expect((afterFirst?.['outbox'] as Array<{ id: string }>).map((e) => e.id)).toEqual([late.id]);

    expect(await relay.runOnce()).toBe(1);
    expect(publisher.ids).toEqual([first.id, late.id]);
    expect(await orders.findOne({ _id: 'b' })).toMatchObject({ outbox: [], outboxPending: false });
  });

  it('strands nothing while writers keep appending to the same documents during passes', async () => {
    const [orders, untyped] = collection('orders-concurrent');
    const DOCS = 5;
    const PER_DOC = 60;
    const written = new Map<string, string[]>();
    // A publisher that yields to the event loop mid-publish, so writes land between find and marking.
    const publisher = recordingPublisher(async () => {
      for (let i = 0; i < 3; i += 1) await yieldToLoop();
    });
    const relay = relayOf(untyped, publisher);
    relay.start();

    const writer = async (d: number): Promise<void> => {
      const id = `doc-${d}`;
      written.set(id, []);
      for (let seq = 1; seq <= PER_DOC; seq += 1) {
        const env = h.envelope({ itemId: id, seq, amount: 1 });
        written.get(id)?.push(env.id);
        await orders.updateOne(
          { _id: id },
          outboxUpdate([env], { registry: h.registry, merge: { $set: { lastSeq: seq } } }),
          { upsert: true },
        );
        relay.kick();
        if (seq % 7 === 0) await yieldToLoop();
      }
    };
    await Promise.all(Array.from({ length: DOCS }, (_, d) => writer(d)));

    const total = DOCS * PER_DOC;
    await waitFor(async () => publisher.ids.length >= total && (await relay.backlog()) === 0, {
      timeoutMs: 60_000,
      description: `all ${total} entries published and the outbox drained`,
    });
    await relay.stop();
    // Every entry published exactly once (one relay, no crash), in per-document write order.
    expect(publisher.ids).toHaveLength(total);
    expect(new Set(publisher.ids).size).toBe(total);
    for (const ids of written.values()) {
      const positions = ids.map((id) => publisher.ids.indexOf(id));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    // Nothing left behind, and no flag left up.
    expect(await orders.countDocuments({ outboxPending: true })).toBe(0);
    expect(await orders.countDocuments({ 'outbox.0': { $exists: true } })).toBe(0);
  });

  it('drains a backlog of many batches (pipelined) once each, while writers append to it', async () => {
    const [orders, untyped] = collection('orders-drain');
    const DOCS = 300;
    const written = new Map<string, string[]>();
    const append = async (d: number, seq: number): Promise<void> => {
      const env = h.envelope({ itemId: `drain-${d}`, seq, amount: 1 });
      written.set(`drain-${d}`, [...(written.get(`drain-${d}`) ?? []), env.id]);
      await orders.updateOne({ _id: `drain-${d}` }, outboxUpdate([env], { registry: h.registry }), {
        upsert: true,
      });
    };
    for (let d = 0; d < DOCS; d += 1) await append(d, 1);
    // While batches are published and marked, writers append to documents of every batch (the one
    // being marked, the one being published, the ones still waiting).
    let appending = true;
    const appended = (async () => {
      for (let seq = 2; appending && seq < 400; seq += 1) {
        await append((seq * 37) % DOCS, seq);
        await yieldToLoop();
      }
    })();
    const publisher = recordingPublisher(async () => {
      for (let i = 0; i < 5; i += 1) await yieldToLoop();
    });
    const relay = new OutboxRelay({
      publisher,
      collections: [untyped],
      batchSize: 40,
      logger: quietLogger(),
    });
    relays.push(relay);
    let published = await relay.drain();
    appending = false;
    await appended;
    published += await relay.drain(); // what was appended after the first drain's last read

    const total = [...written.values()].reduce((n, ids) => n + ids.length, 0);
    expect(published).toBe(total);
    expect(publisher.ids).toHaveLength(total);
    expect(new Set(publisher.ids).size).toBe(total);
    for (const ids of written.values()) {
      const positions = ids.map((id) => publisher.ids.indexOf(id));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    expect(await orders.countDocuments({ outboxPending: true })).toBe(0);
    expect(await orders.countDocuments({ 'outbox.0': { $exists: true } })).toBe(0);
  });

  it('reads pending documents through the index on the flag', async () => {
    const [orders, untyped] = collection('orders-index');
    await orders.insertMany(
      Array.from({ length: 50 }, (_, i) => ({ _id: `done-${i}`, outbox: [], outboxPending: false })),
    );
    const relay = relayOf(untyped, recordingPublisher());
    expect(await relay.runOnce()).toBe(0); // creates the index
    const plan = JSON.stringify((await untyped.find(PENDING_OUTBOX_FILTER).explain()).queryPlanner);
    expect(plan).toContain('IXSCAN');
    expect(plan).toContain('outboxPending_1');
  });

  it('clears the flag of a document whose outbox is already empty', async () => {
    const [orders, untyped] = collection('orders-empty');
    await orders.insertOne({ _id: 'e', outbox: [], outboxPending: true });
    const relay = relayOf(untyped, recordingPublisher());
    expect(await relay.runOnce()).toBe(0);
    expect(await orders.findOne({ _id: 'e' })).toMatchObject({ outbox: [], outboxPending: false });
  });

  it('publishes the valid entries and leaves malformed ones in place, flagged, for a human', async () => {
    const [orders, untyped] = collection('orders-malformed');
    const env = h.envelope({ itemId: 'item-m', seq: 1, amount: 1 });
    const [valid] = outboxEntriesFor([env], h.registry);
    await orders.insertOne({ _id: 'm', outbox: [{ id: 'no-topic' }, valid], outboxPending: true });
    const publisher = recordingPublisher();
    const relay = relayOf(untyped, publisher);
    expect(await relay.runOnce()).toBe(1);
    expect(publisher.ids).toEqual([env.id]);
    expect(await orders.findOne({ _id: 'm' })).toMatchObject({
      outbox: [{ id: 'no-topic' }],
      outboxPending: true,
    });
  });
});
