import { APPLIED_EVENT_IDS_FIELD, applyOnce, withAppliedMarker } from './apply-once';
import type { Collection, Document } from 'mongodb';

describe('withAppliedMarker', () => {
  it("adds the marker bounded by $slice in the same update, keeping the caller's operators", () => {
    expect(withAppliedMarker({ $inc: { n: 1 }, $push: { seqs: 3 } } as Document, 'evt-1', 50)).toEqual({
      $inc: { n: 1 },
      $push: { seqs: 3, [APPLIED_EVENT_IDS_FIELD]: { $each: ['evt-1'], $slice: -50 } },
    });
  });

  it('refuses an update that touches the markers itself', () => {
    expect(() =>
      withAppliedMarker({ $push: { [APPLIED_EVENT_IDS_FIELD]: 'x' } } as Document, 'evt-1', 5),
    ).toThrow(/must not touch/);
  });
});

describe('applyOnce argument checks', () => {
  it('refuses a keepLast that is not a positive integer, before any write', async () => {
    const collection = {} as Collection<Document>;
    await expect(applyOnce(collection, 'd', 'e', { $inc: { n: 1 } }, { keepLast: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(applyOnce(collection, 'd', 'e', { $inc: { n: 1 } }, { keepLast: 1.5 })).rejects.toThrow(
      RangeError,
    );
  });
});

// MongoDB answers E11000 to an upsert that lost the race to insert the same new document (it does
// not retry it itself: the filter is more than an equality on _id). The local engine happened not
// to produce that race in our integration runs, so the decision is pinned here with a fake.
describe('applyOnce when a first-time upsert loses the insert race', () => {
  const duplicateKey = () => Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });

  function fakeCollection(opts: { markerPresent: boolean }) {
    const updates: Array<{ upsert: boolean }> = [];
    const collection = {
      collectionName: 'counters',
      async updateOne(_filter: Document, _update: Document, options: { upsert: boolean }) {
        updates.push({ upsert: options.upsert });
        if (options.upsert) throw duplicateKey();
        return { matchedCount: opts.markerPresent ? 0 : 1, upsertedCount: 0 };
      },
      async countDocuments(filter: Document) {
        if (APPLIED_EVENT_IDS_FIELD in filter) return opts.markerPresent ? 1 : 0;
        return 1;
      },
    } as unknown as Collection<Document>;
    return { collection, updates };
  }

  it('retries as a plain update when another event created the document: this event is applied', async () => {
    const { collection, updates } = fakeCollection({ markerPresent: false });
    expect(await applyOnce(collection, 'd', 'e', { $inc: { n: 1 } }, { upsert: true })).toBe('applied');
    expect(updates).toEqual([{ upsert: true }, { upsert: false }]);
  });

  it('answers duplicate, without retrying, when the document already holds this event', async () => {
    const { collection, updates } = fakeCollection({ markerPresent: true });
    expect(await applyOnce(collection, 'd', 'e', { $inc: { n: 1 } }, { upsert: true })).toBe('duplicate');
    expect(updates).toEqual([{ upsert: true }]);
  });
});
