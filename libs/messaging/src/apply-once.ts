// Exactly-once effects on top of at-least-once delivery: the effect and the marker "event X was
// applied" are written by ONE single-document update, so they cannot be separated by a crash.
// The filter only matches while the document does not hold the marker yet; a redelivered event
// matches nothing and changes nothing.
import { DomainError } from '@sp/errors';
import type { Collection, Document, UpdateFilter } from 'mongodb';
import { withDocumentLock } from './document-lock';

export const APPLIED_EVENT_IDS_FIELD = 'appliedEventIds';

/** Markers kept per document by default: far more than any redelivery window needs. */
export const DEFAULT_KEEP_LAST = 500;

export type ApplyOutcome = 'applied' | 'duplicate';

export interface ApplyOnceOptions {
  /** Create the document if it does not exist (the update must then fully describe it). */
  upsert?: boolean;
  /**
   * How many recent event ids to keep on the document, bounding its growth. A redelivery older
   * than the last `keepLast` events of the same document would apply twice, so keep it well
   * above the number of events one aggregate can get between two offset commits.
   */
  keepLast?: number;
}

// Bounding the markers. MongoDB honours `$push: { $each, $slice: -keepLast }` atomically.
// FerretDB 1.24 accepts `$slice` but silently ignores it (verified), so the array would grow
// forever there. Hence a second, separate and always-safe step: every `keepLast / 10` applies
// (per process) the document just updated is read and its oldest markers beyond `keepLast` are
// removed by value with `$pullAll`. Removing an old marker can only ever re-allow a redelivery
// older than `keepLast` events, never lose an effect; on FerretDB the array may briefly exceed
// keepLast by roughly a tenth.
let appliesSinceTrim = 0;

function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === 11000 || code === 11001;
}

/** `update` plus the `$push` of the marker (merged into an existing `$push` if the caller has one). */
export function withAppliedMarker(
  update: UpdateFilter<Document>,
  eventId: string,
  keepLast: number,
): UpdateFilter<Document> {
  const existingPush = (update.$push ?? {}) as Record<string, unknown>;
  if (APPLIED_EVENT_IDS_FIELD in existingPush) {
    throw new Error(`applyOnce: the update must not touch ${APPLIED_EVENT_IDS_FIELD} itself`);
  }
  const merged: Document = {
    ...update,
    $push: { ...existingPush, [APPLIED_EVENT_IDS_FIELD]: { $each: [eventId], $slice: -keepLast } },
  };
  return merged as UpdateFilter<Document>;
}

export async function applyOnce(
  collection: Collection<Document>,
  docId: string,
  eventId: string,
  update: UpdateFilter<Document>,
  opts: ApplyOnceOptions = {},
): Promise<ApplyOutcome> {
  const keepLast = opts.keepLast ?? DEFAULT_KEEP_LAST;
  if (!Number.isInteger(keepLast) || keepLast < 1)
    throw new RangeError(`keepLast must be a positive integer, got ${keepLast}`);
  const filter = { _id: docId, [APPLIED_EVENT_IDS_FIELD]: { $ne: eventId } } as Document;
  try {
    // Locked: FerretDB loses one of two concurrent updates of a document (see document-lock.ts).
    const result = await withDocumentLock(collection, docId, () =>
      collection.updateOne(filter, withAppliedMarker(update, eventId, keepLast), {
        upsert: opts.upsert ?? false,
      }),
    );
    if (result.matchedCount > 0 || result.upsertedCount > 0) {
      appliesSinceTrim += 1;
      if (appliesSinceTrim >= Math.max(1, Math.floor(keepLast / 10))) {
        appliesSinceTrim = 0;
        // Best effort: the effect is already durable; a failed trim is retried at a later apply.
        await trimAppliedMarkers(collection, docId, keepLast).catch(() => undefined);
      }
      return 'applied';
    }
  } catch (error) {
    // With upsert, "no match" because the marker is there makes the server try to insert a second
    // document with the same _id: that duplicate-key error IS the "already applied" answer.
    if (opts.upsert && isDuplicateKeyError(error)) return 'duplicate';
    throw error;
  }
  // Without upsert, no match means either "already applied" or "no such document".
  const exists = await collection.countDocuments({ _id: docId } as Document, { limit: 1 });
  if (exists > 0) return 'duplicate';
  throw new DomainError(
    'MESSAGING.APPLY_TARGET_NOT_FOUND',
    `applyOnce: no document ${docId} in ${collection.collectionName}`,
    {
      status: 404,
      // Often an ordering gap between topics (the creating event is not there yet): worth retrying.
      retriable: true,
    },
  );
}

/** Removes the oldest markers of one document beyond `keepLast` (exact-value `$pullAll`). Returns how many. */
export async function trimAppliedMarkers(
  collection: Collection<Document>,
  docId: string,
  keepLast: number,
): Promise<number> {
  const doc = await collection.findOne({ _id: docId } as Document, {
    projection: { [APPLIED_EVENT_IDS_FIELD]: 1 },
  });
  const markers: unknown = doc?.[APPLIED_EVENT_IDS_FIELD];
  if (!Array.isArray(markers) || markers.length <= keepLast) return 0;
  const oldest = markers.slice(0, markers.length - keepLast);
  await withDocumentLock(collection, docId, () =>
    collection.updateOne(
      { _id: docId } as Document,
      { $pullAll: { [APPLIED_EVENT_IDS_FIELD]: oldest } } as Document,
    ),
  );
  return oldest.length;
}
