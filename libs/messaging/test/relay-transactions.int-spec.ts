// The relay beside multi-document transactions of the service that owns the documents (onward
// referrals, consent withdrawal and analytics' counters run in transactions). Reproduces what
// stalled SecantusDB before the relay marked its batches inside a transaction: a batch marked
// while an open transaction has written one of its documents, then the transaction writing another
// document of the batch. Marking outside a transaction waited on the first document while holding
// the rest of the batch, the transaction waited on the batch, and from then on the server delivered
// no change-stream event at all.
import type { Collection, Document } from 'mongodb';
import { waitFor } from '@sp/testing';
import type { PublishRecord } from '../src/event-publisher';
import { outboxInsertFields } from '../src/outbox-entry';
import { OutboxRelay } from '../src/outbox-relay';
import { createHarness, quietLogger, type Harness } from './support/harness';

jest.setTimeout(90_000);

describe('outbox relay beside transactions', () => {
  let h: Harness;
  let relay: OutboxRelay | undefined;
  beforeAll(async () => {
    h = await createHarness('msg-relay-tx');
  });
  afterAll(async () => {
    await relay?.stop();
    await h.cleanup();
  });

  it('marks a batch while a transaction writes its documents: neither waits for the other, change streams keep flowing', async () => {
    type Order = { _id: string; n?: number } & Document;
    const orders = h.db.collection<Order>('orders-tx');
    const ids = ['a', 'b', 'c'];
    const envs = ids.map((itemId, seq) => h.envelope({ itemId, seq, amount: 1 }));
    await orders.insertMany(
      ids.map((_id, i) => ({ _id, n: 0, ...outboxInsertFields([envs[i]!], { registry: h.registry }) })),
    );

    const client = h.db.client;
    const transaction = client.startSession();
    const published: string[] = [];
    let marking: Promise<number> | undefined;
    try {
      transaction.startTransaction({ readConcern: { level: 'snapshot' } });
      await orders.updateOne({ _id: 'a' }, { $inc: { n: 1 } }, { session: transaction });

      relay = new OutboxRelay({
        publisher: {
          async publish(records: PublishRecord[]) {
            published.push(...records.map((r) => r.headers['ce_id'] ?? '?'));
          },
        },
        collections: [orders as unknown as Collection<Document>],
        logger: quietLogger(),
        watchChanges: false,
      });
      marking = relay.runOnce();
      // Wait until the marking is on the server (it meets document a, written by the open
      // transaction). Seen or not (a transactional marking fails over and retries quickly), the
      // transaction then writes another document of the batch.
      await waitFor(async () => (published.length > 0 ? await markingInProgress(orders) : false), {
        timeoutMs: 3_000,
        intervalMs: 10,
        description: 'the relay marking its batch',
      }).catch(() => undefined);
      const write = orders.updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { session: transaction }).then(
        () => 'written' as const,
        (error: unknown) =>
          (error as { codeName?: string }).codeName === 'WriteConflict' ? 'conflict' : error,
      );
      const outcome = await Promise.race([
        write,
        new Promise<string>((resolve) =>
          setTimeout(() => resolve('still waiting after 10 s'), 10_000).unref(),
        ),
      ]);
      // The transaction's write either lands or fails at once as a write conflict; it never waits
      // for the relay.
      expect(['written', 'conflict']).toContain(outcome);
      if (outcome === 'written') await transaction.commitTransaction();
      else await transaction.abortTransaction();
    } finally {
      await transaction.endSession();
    }

    // The marking finishes once the transaction is over, with every entry published once.
    expect(await marking).toBe(3);
    expect([...new Set(published)].sort()).toEqual(envs.map((e) => e.id).sort());
    expect(await orders.countDocuments({ outboxPending: true })).toBe(0);

    // And the server still streams changes.
    const stream = h.db.collection('after-tx').watch();
    const seen: string[] = [];
    stream.on('change', (change) => seen.push(change.operationType));
    try {
      await waitFor(
        async () => {
          await h.db.collection('after-tx').insertOne({ at: new Date() });
          return seen.length > 0;
        },
        { timeoutMs: 10_000, intervalMs: 250, description: 'a change-stream event after the transaction' },
      );
    } finally {
      await stream.close();
    }
  });
});

/** True while an update of `collection` is running on the server (currentOp). */
async function markingInProgress(
  collection: Pick<Collection<Document>, 'db' | 'dbName' | 'collectionName'>,
): Promise<boolean> {
  const { inprog } = (await collection.db.admin().command({ currentOp: 1 })) as {
    inprog?: Array<{ ns?: string; op?: string; command?: Record<string, unknown> }>;
  };
  const ns = `${collection.dbName}.${collection.collectionName}`;
  return (inprog ?? []).some(
    (op) => (op.ns === ns && op.op === 'update') || op.command?.['update'] === collection.collectionName,
  );
}
