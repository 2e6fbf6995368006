import { ContractViolationError } from '@sp/contracts';
import { testContracts } from '../test/support/test-contracts';
import { chunkBySize, groupByTopic } from './event-publisher';
import {
  isOutboxEntry,
  outboxEntriesFor,
  outboxEntryToRecord,
  outboxInsertFields,
  outboxUpdate,
} from './outbox-entry';

const { registry, envelope } = testContracts('messaging.unit.outbox');

describe('outboxEntriesFor', () => {
  const now = new Date('2025-05-01T08:00:00.000Z');

  it('turns each envelope into the Kafka record it will become, addressed to its topic', () => {
    const env = envelope({ itemId: 'item-1', seq: 1, amount: 5 }, { id: 'evt-1', correlationId: 'corr-1' });
    const [entry] = outboxEntriesFor([env], registry, now);
    expect(entry).toEqual({
      id: 'evt-1',
      topic: 'messaging.unit.outbox',
      key: 'item-1',
      value: '{"itemId":"item-1","seq":1,"amount":5}',
      headers: expect.objectContaining({
        ce_id: 'evt-1',
        ce_type: env.type,
        ce_correlationid: 'corr-1',
        'content-type': 'application/json',
      }),
      createdAt: now,
    });
    expect(isOutboxEntry(entry)).toBe(true);
  });

  it('keeps the order of the envelopes (per-aggregate order)', () => {
    const envs = [1, 2, 3].map((seq) => envelope({ itemId: 'item-1', seq, amount: 0 }));
    expect(outboxEntriesFor(envs, registry).map((e) => e.id)).toEqual(envs.map((e) => e.id));
  });

  it('stores only Mongo-safe header names (no dots, no leading $)', () => {
    const [entry] = outboxEntriesFor([envelope({ itemId: 'i', seq: 0, amount: 0 })], registry);
    for (const name of Object.keys(entry?.headers ?? {})) expect(name).toMatch(/^[^$][^.]*$/);
  });

  it('rejects an envelope whose data breaks its contract (validated on produce)', () => {
    const env = envelope({ itemId: 'item-1', seq: 1, amount: 5 });
    const broken = { ...env, data: { ...env.data, amount: -1 } };
    expect(() => outboxEntriesFor([broken], registry)).toThrow(ContractViolationError);
  });

  it('rejects an event type the registry does not know', () => {
    const env = envelope({ itemId: 'item-1', seq: 1, amount: 5 });
    expect(() =>
      outboxEntriesFor([{ ...env, type: 'org.socialprescribing.unknown.thing.v1' }], registry),
    ).toThrow(/Unknown event type|UNKNOWN/);
  });

  it('round-trips to a record with the same bytes', () => {
    const [entry] = outboxEntriesFor([envelope({ itemId: 'item-9', seq: 2, amount: 1 })], registry);
    if (entry === undefined) throw new Error('no entry');
    const record = outboxEntryToRecord(entry);
    expect(record.topic).toBe(entry.topic);
    expect(record.key).toBe('item-9');
    expect(record.value?.toString('utf8')).toBe(entry.value);
  });
});

describe('outboxInsertFields / outboxUpdate', () => {
  const now = new Date('2025-05-01T08:00:00.000Z');
  const env = envelope({ itemId: 'item-1', seq: 1, amount: 5 }, { id: 'evt-1' });

  it('gives a new document its entries together with the pending flag the relay queries', () => {
    expect(outboxInsertFields([env], { registry, now })).toEqual({
      outbox: outboxEntriesFor([env], registry, now),
      outboxPending: true,
    });
  });

  it('appends entries and raises the flag, merged into the state change of the same update', () => {
    expect(
      outboxUpdate([env], { registry, now, merge: { $set: { status: 'accepted' }, $inc: { version: 1 } } }),
    ).toEqual({
      $set: { status: 'accepted', outboxPending: true },
      $inc: { version: 1 },
      $push: { outbox: { $each: outboxEntriesFor([env], registry, now) } },
    });
    expect(outboxUpdate([env], { registry, now })).toEqual({
      $set: { outboxPending: true },
      $push: { outbox: { $each: outboxEntriesFor([env], registry, now) } },
    });
  });

  it('keeps other $push targets and refuses a merge that would overwrite the outbox or the flag', () => {
    expect(outboxUpdate([env], { registry, merge: { $push: { history: 'x' } } })['$push']).toEqual({
      history: 'x',
      outbox: { $each: [expect.objectContaining({ id: 'evt-1' })] },
    });
    expect(() => outboxUpdate([env], { registry, merge: { $push: { outbox: 'x' } } })).toThrow(
      /must not touch/,
    );
    expect(() => outboxUpdate([env], { registry, merge: { $set: { outboxPending: false } } })).toThrow(
      /must not touch/,
    );
  });

  it('validates like outboxEntriesFor (nothing half-written on a contract violation)', () => {
    const broken = { ...env, data: { ...env.data, amount: -1 } };
    expect(() => outboxInsertFields([broken], { registry })).toThrow(ContractViolationError);
    expect(() => outboxUpdate([broken], { registry })).toThrow(ContractViolationError);
  });
});

describe('publisher batching', () => {
  const rec = (topic: string, key: string, size = 10) => ({
    topic,
    key,
    value: Buffer.alloc(size),
    headers: {},
  });

  it('groups records by topic keeping their relative order', () => {
    const grouped = groupByTopic([rec('a', '1'), rec('b', '2'), rec('a', '3')]);
    expect(grouped.map((g) => [g.topic, g.messages.map((m) => m.key)])).toEqual([
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
  });

  it('splits oversized batches in order, giving a huge record its own chunk', () => {
    const chunks = chunkBySize(
      [rec('a', '1', 100), rec('a', '2', 100), rec('a', '3', 1_000), rec('a', '4', 10)],
      250,
    );
    expect(chunks.map((c) => c.map((r) => r.key))).toEqual([['1', '2'], ['3'], ['4']]);
  });
});
