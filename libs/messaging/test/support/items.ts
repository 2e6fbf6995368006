// The effect used by the messaging integration tests and their child-process fixtures: an item
// document whose `total` sums the `amount` of every event applied to it, exactly once (applyOnce),
// plus a deliberately NON-idempotent `deliveries` log that proves how often Kafka really delivered.
import { DomainError } from '@sp/errors';
import type { Collection, Db, Document } from 'mongodb';
import { applyOnce } from '../../src/apply-once';
import type { EventContext, EventHandler } from '../../src/kafka-event-transport';
import type { TestItem } from './test-contracts';

export interface ItemDoc {
  _id: string;
  total: number;
  applied: number;
  seqs: number[];
  appliedEventIds: string[];
}

export interface Delivery {
  eventId: string;
  itemId: string;
  groupId: string;
  attempt: number;
  pid: number;
  at: Date;
}

/** Failure switches, one document: event ids whose handling must fail, and how. */
export interface FailureFlags {
  _id: 'failures';
  nonRetriable: string[];
  retriable: string[];
}

export function itemCollections(db: Db): {
  items: Collection<ItemDoc>;
  deliveries: Collection<Delivery>;
  flags: Collection<FailureFlags>;
} {
  return {
    items: db.collection<ItemDoc>('items'),
    deliveries: db.collection<Delivery>('deliveries'),
    flags: db.collection<FailureFlags>('flags'),
  };
}

export function itemHandler(
  db: Db,
  opts: { onApplied?: (ctx: EventContext) => void } = {},
): EventHandler<TestItem> {
  const { items, deliveries, flags } = itemCollections(db);
  return async (data, ctx) => {
    await deliveries.insertOne({
      eventId: ctx.envelope.id,
      itemId: data.itemId,
      groupId: ctx.groupId,
      attempt: ctx.deliveryAttempt,
      pid: process.pid,
      at: new Date(),
    });
    const failures = await flags.findOne({ _id: 'failures' });
    if (failures?.nonRetriable.includes(ctx.envelope.id)) {
      throw new DomainError('TEST.POISON', `event ${ctx.envelope.id} is poison for now`, {
        retriable: false,
      });
    }
    if (failures?.retriable.includes(ctx.envelope.id))
      throw new Error(`transient failure of ${ctx.envelope.id}`);
    await applyOnce(
      items as unknown as Collection<Document>,
      data.itemId,
      ctx.envelope.id,
      { $inc: { total: data.amount, applied: 1 }, $push: { seqs: data.seq } } as Document,
      { upsert: true },
    );
    opts.onApplied?.(ctx);
  };
}

export async function setFailures(
  db: Db,
  failures: { nonRetriable?: string[]; retriable?: string[] },
): Promise<void> {
  await itemCollections(db).flags.updateOne(
    { _id: 'failures' },
    { $set: { nonRetriable: failures.nonRetriable ?? [], retriable: failures.retriable ?? [] } },
    { upsert: true },
  );
}
