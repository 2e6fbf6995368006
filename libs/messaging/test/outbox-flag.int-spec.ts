// The pending flag on real FerretDB: the relay clears it once a document's outbox is empty, never
// strands entries appended between its find and its update, and flags documents written without it.
import type { Collection, Document } from 'mongodb';
import type { PublishRecord } from '../src/event-publisher';
import { withDocumentLock } from '../src/document-lock';
import { outboxInsertFields, outboxUpdate } from '../src/outbox-entry';
import { OutboxRelay } from '../src/outbox-relay';
import { createHarness, quietLogger, type Harness } from './support/harness';

jest.setTimeout(60_000);

describe('outbox pending flag', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('msg-outbox-flag');
  });
  afterAll(async () => {
    await h.cleanup();
  });

  type Order = { _id: string } & Document;
  /** The collection typed for the test, and as the relay takes it (untyped documents). */
  function collection(name: string): [Collection<Order>, Collection<Document>] {
    const c = h.db.collection<Order>(name);
    return [c, c as unknown as Collection<Document>];
  }

  /** A publisher that records what it was given and can run a callback mid-publish (the race window). */
  function recordingPublisher(during?: () => Promise<void>): {
    publish(r: PublishRecord[]): Promise<void>;
    ids: string[];
  } {
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
    const relay = new OutboxRelay({ publisher, collections: [untyped], logger: quietLogger() });

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

  it('keeps (re-raises) the flag when a writer appends entries while the batch is being published', async () => {
    const [orders, untyped] = collection('orders-race');
    const first = h.envelope({ itemId: 'item-b', seq: 1, amount: 1 });
    const late = h.envelope({ itemId: 'item-b', seq: 2, amount: 1 });
    await orders.insertOne({ _id: 'b', ...outboxInsertFields([first], { registry: h.registry }) });
    let appended = false;
    const publisher = recordingPublisher(async () => {
      if (appended) return;
      appended = true;
      // A service write between the relay's find and its update, as services write (locked).
      await withDocumentLock(untyped, 'b', () =>
        orders.updateOne(
          { _id: 'b' },
          outboxUpdate([late], { registry: h.registry, merge: { $set: { status: 'shipped' } } }),
        ),
      );
    });
    const relay = new OutboxRelay({ publisher, collections: [untyped], logger: quietLogger() });

    expect(await relay.runOnce()).toBe(1);
    const afterFirst = await orders.findOne({ _id: 'b' });
    expect(afterFirst).toMatchObject({ status: 'shipped', outboxPending: true });
    expect((afterFirst?.['outbox'] as Array<{ id: string }>).map((e) => e.id)).toEqual([late.id]);

    expect(await relay.runOnce()).toBe(1);
    expect(publisher.ids).toEqual([first.id, late.id]);
    expect(await orders.findOne({ _id: 'b' })).toMatchObject({ outbox: [], outboxPending: false });
  });

  it('flags and publishes entries written without the flag (legacy or forgotten writer)', async () => {
    const [orders, untyped] = collection('orders-unflagged');
    const env = h.envelope({ itemId: 'item-c', seq: 1, amount: 1 });
    const { outbox } = outboxInsertFields([env], { registry: h.registry });
    await orders.insertOne({ _id: 'c', outbox });
    const publisher = recordingPublisher();
    const relay = new OutboxRelay({ publisher, collections: [untyped], logger: quietLogger() });

    expect(await relay.runOnce()).toBe(1);
    expect(publisher.ids).toEqual([env.id]);
    expect(await orders.findOne({ _id: 'c' })).toMatchObject({ outbox: [], outboxPending: false });
  });
});
