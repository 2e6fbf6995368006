// The lease's own logic (when it talks to the database, what it believes), against a fake
// collection that plays the server's conditional update. The real thing, with several relays on
// the real database, is in test/relay-lease.int-spec.ts.
import type { Collection, Document } from 'mongodb';
import { RelayLease, type RelayLeaseDocument } from './outbox-lease';

/** The lease document and the server's answer to "take it if mine or expired". */
function fakeServer() {
  let doc: RelayLeaseDocument | undefined;
  let serverNow = 0;
  const calls: string[] = [];
  const collection = {
    async insertOne(d: RelayLeaseDocument) {
      calls.push('insert');
      if (doc !== undefined) throw Object.assign(new Error('E11000'), { code: 11000 });
      doc = { ...d };
      return { acknowledged: true, insertedId: d._id };
    },
    async updateOne(filter: Document, update: Document | Document[]) {
      if (Array.isArray(update)) {
        calls.push('take');
        const or = (filter['$expr'] as { $or: [{ $eq: [string, string] }, unknown] }).$or;
        const me = or[0].$eq[1];
        const ttl = (update[0] as { $set: { expiresAt: { $dateAdd: { amount: number } } } }).$set.expiresAt
          .$dateAdd.amount;
        if (doc === undefined || !(doc.owner === me || doc.expiresAt.getTime() <= serverNow))
          return { matchedCount: 0 };
        doc = { ...doc, owner: me, expiresAt: new Date(serverNow + ttl) };
        return { matchedCount: 1 };
      }
      calls.push('release');
      if (doc !== undefined && doc.owner === filter['owner'])
        doc = { ...doc, owner: null, expiresAt: new Date(0) };
      return { matchedCount: 1 };
    },
  } as unknown as Collection<RelayLeaseDocument>;
  return {
    collection,
    calls,
    get doc() {
      return doc;
    },
    setNow(ms: number) {
      serverNow = ms;
    },
  };
}

describe('RelayLease', () => {
  let now = 1_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  function lease(server: ReturnType<typeof fakeServer>, owner: string): RelayLease {
    return new RelayLease({
      collection: server.collection,
      name: 'outbox:db.orders',
      owner,
      ttlMs: 9_000,
      retryMs: 1_000,
      now: clock,
    });
  }

  it('lets one of two relays hold it, and the other take it only once it expired', async () => {
    const server = fakeServer();
    const a = lease(server, 'a');
    const b = lease(server, 'b');
    expect(await a.hold()).toBe(true);
    expect(await b.hold()).toBe(false);
    expect(server.doc?.owner).toBe('a');

    // a stops renewing (dies); b retries no more often than retryMs, and wins after the expiry.
    now += 5_000;
    server.setNow(5_000);
    expect(await b.hold()).toBe(false);
    now += 500;
    expect(await b.hold()).toBe(false); // within retryMs: no request at all
    now += 5_000;
    server.setNow(10_000);
    expect(await b.hold()).toBe(true);
    expect(server.doc?.owner).toBe('b');
    expect(a.isHeld()).toBe(false); // by its own clock, a's lease ran out too
  });

  it('asks the database only once a third of the ttl has passed since the last renewal', async () => {
    const server = fakeServer();
    const a = lease(server, 'a');
    expect(await a.hold()).toBe(true);
    const takes = () => server.calls.filter((c) => c === 'take').length;
    expect(takes()).toBe(1);
    now += 2_999;
    expect(await a.hold()).toBe(true);
    expect(takes()).toBe(1);
    now += 2;
    expect(await a.hold()).toBe(true);
    expect(takes()).toBe(2);
    // The lease document is created once, not on every attempt.
    expect(server.calls.filter((c) => c === 'insert')).toHaveLength(1);
  });

  it('coalesces concurrent attempts into one request', async () => {
    const server = fakeServer();
    const a = lease(server, 'a');
    expect(await Promise.all([a.hold(), a.hold(), a.hold()])).toEqual([true, true, true]);
    expect(server.calls.filter((c) => c === 'take')).toHaveLength(1);
  });

  it('releases on stop so a standby takes over at once, and only if it was held', async () => {
    const server = fakeServer();
    const a = lease(server, 'a');
    const b = lease(server, 'b');
    await b.release();
    expect(server.calls).not.toContain('release');
    expect(await a.hold()).toBe(true);
    await a.release();
    expect(a.isHeld()).toBe(false);
    expect(server.doc?.owner).toBeNull();
    expect(await b.hold()).toBe(true);
  });

  it('refuses a ttl that is not positive', () => {
    expect(
      () =>
        new RelayLease({
          collection: fakeServer().collection,
          name: 'n',
          owner: 'o',
          ttlMs: 0,
          retryMs: 1,
        }),
    ).toThrow(RangeError);
  });
});
