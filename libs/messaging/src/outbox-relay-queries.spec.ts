import type { Collection, Document } from 'mongodb';
import type { OutboxEntry } from './outbox-entry';
import {
  inWriteOrder,
  markPublishedUpdate,
  pendingChangesPipeline,
  relayLeaseName,
} from './outbox-relay-queries';

function entry(id: string, at: string): OutboxEntry {
  return { id, topic: 't', key: 'k', value: '{}', headers: {}, createdAt: new Date(at) };
}

describe('inWriteOrder (the order a relay pass publishes in)', () => {
  it('interleaves documents by write time (an organisation and its service written alternately)', () => {
    const organisation = [
      entry('registered', '2026-01-01T00:00:00.001Z'),
      entry('suspended', '2026-01-01T00:00:00.005Z'),
    ];
    const service = [
      entry('published', '2026-01-01T00:00:00.002Z'),
      entry('republished', '2026-01-01T00:00:00.004Z'),
    ];
    expect(inWriteOrder([organisation, service]).map((e) => e.id)).toEqual([
      'registered',
      'published',
      'republished',
      'suspended',
    ]);
  });

  it("never reorders one document's entries, even if their clocks disagree", () => {
    const skewed = [entry('first', '2026-01-01T00:00:00.009Z'), entry('second', '2026-01-01T00:00:00.001Z')];
    const other = [entry('other', '2026-01-01T00:00:00.005Z')];
    expect(inWriteOrder([skewed, other]).map((e) => e.id)).toEqual(['other', 'first', 'second']);
  });

  it('keeps the read order of documents for entries written in the same millisecond', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(inWriteOrder([[entry('a1', at), entry('a2', at)], [entry('b1', at)]]).map((e) => e.id)).toEqual([
      'a1',
      'a2',
      'b1',
    ]);
  });

  it('accepts createdAt read back as a string and returns every entry exactly once', () => {
    const asString = {
      ...entry('s', '2026-01-01T00:00:00.003Z'),
      createdAt: '2026-01-01T00:00:00.003Z' as unknown as Date,
    };
    const out = inWriteOrder([[entry('x', '2026-01-01T00:00:00.004Z')], [], [asString]]);
    expect(out.map((e) => e.id)).toEqual(['s', 'x']);
    expect(inWriteOrder([])).toEqual([]);
  });
});

describe('inWriteOrder at batch size', () => {
  it('matches the plain "earliest head, first document on ties" merge on many random documents', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const docs = Array.from({ length: 300 }, (_, d) =>
      Array.from({ length: 1 + random(4) }, (_, i) =>
        entry(`d${d}-${i}`, new Date(Date.UTC(2026, 0, 1) + random(50)).toISOString()),
      ),
    );
    // The definition, step by step: take the earliest head; the first document wins a tie.
    const heads = docs.map(() => 0);
    const expected: string[] = [];
    for (;;) {
      let pick = -1;
      docs.forEach((entries, d) => {
        const e = entries[heads[d]!];
        if (e === undefined) return;
        if (pick === -1 || e.createdAt.getTime() < docs[pick]![heads[pick]!]!.createdAt.getTime()) pick = d;
      });
      if (pick === -1) break;
      expected.push(docs[pick]![heads[pick]!]!.id);
      heads[pick]! += 1;
    }
    expect(inWriteOrder(docs).map((e) => e.id)).toEqual(expected);
  });
});

describe('markPublishedUpdate (how a pass marks a document)', () => {
  it('is one pipeline update: keep the entries not published, then the flag = anything left', () => {
    expect(markPublishedUpdate(['e1', 'e2'])).toEqual([
      {
        $set: {
          outbox: {
            $filter: {
              input: { $ifNull: ['$outbox', []] },
              cond: { $not: [{ $in: ['$$this.id', ['e1', 'e2']] }] },
            },
          },
        },
      },
      { $set: { outboxPending: { $gt: [{ $size: '$outbox' }, 0] } } },
    ]);
  });

  it('never reads a field path through the array (element by element only)', () => {
    const text = JSON.stringify(markPublishedUpdate(['e1']));
    expect(text).not.toMatch(/"\$outbox\./);
  });
});

describe('pendingChangesPipeline (what wakes the lease holder)', () => {
  it('matches, on the server, only writes that make a document of these collections pending', () => {
    const [match, project] = pendingChangesPipeline(['orders', 'services']);
    expect(match).toEqual({
      $match: {
        'ns.coll': { $in: ['orders', 'services'] },
        $or: [
          { operationType: { $in: ['insert', 'replace'] }, 'fullDocument.outboxPending': true },
          { operationType: 'update', 'updateDescription.updatedFields.outboxPending': true },
        ],
      },
    });
    // The resume token (_id) must survive the projection.
    expect(project).toEqual({ $project: { _id: 1, operationType: 1 } });
  });
});

describe('relayLeaseName (which relays compete)', () => {
  const c = (namespace: string) => ({ namespace }) as Pick<Collection<Document>, 'namespace'>;

  it('is the same for every instance relaying the same collections, whatever their order', () => {
    expect(relayLeaseName([c('sp_org.services'), c('sp_org.organisations')])).toBe(
      'outbox:sp_org.organisations,sp_org.services',
    );
    expect(relayLeaseName([c('sp_org.organisations'), c('sp_org.services'), c('sp_org.services')])).toBe(
      'outbox:sp_org.organisations,sp_org.services',
    );
  });

  it('differs for another database or another set of collections', () => {
    expect(relayLeaseName([c('a.orders')])).not.toBe(relayLeaseName([c('b.orders')]));
    expect(relayLeaseName([c('a.orders')])).not.toBe(relayLeaseName([c('a.orders'), c('a.items')]));
  });
});
