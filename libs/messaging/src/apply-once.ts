// Exactly-once effects on top of at-least-once delivery: the effect and the marker "event X was
// applied" are written by ONE single-document update, so they cannot be separated by a crash, and
// MongoDB applies a single-document update atomically, so two concurrent deliveries of the same
// event cannot both match: the filter only matches while the document does not hold the marker
// yet, and a redelivered event matches nothing and changes nothing.
//
// The markers are bounded with `$push: { $each: [id], $slice: -keepLast }`, applied by the server
// in the same atomic update as the effect.
import { DomainError } from '@sp/errors';
import type { ClientSession, Collection, Document, UpdateFilter } from 'mongodb';

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
  /**
   * Apply inside the caller's transaction (`session.withTransaction(...)`), e.g. to update two
   * documents for one event all-or-nothing. The outcome is only final once the transaction commits.
   */
  session?: ClientSession;
}

/**
 * How often a first-time upsert that lost the insert race to a concurrent delivery (another event
 * of the same new document) is retried as a plain update. One retry always suffices in practice:
 * after the duplicate-key error the document exists.
 */
const UPSERT_RACE_RETRIES = 3;

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
  const session = opts.session;
  const withSession = session === undefined ? {} : { session };
  const filter = { _id: docId, [APPLIED_EVENT_IDS_FIELD]: { $ne: eventId } } as Document;
  const marked = withAppliedMarker(update, eventId, keepLast);
  const hasMarker = async (): Promise<boolean> =>
    (await collection.countDocuments({ _id: docId, [APPLIED_EVENT_IDS_FIELD]: eventId } as Document, {
      limit: 1,
      ...withSession,
    })) > 0;

  // Inside a transaction a duplicate-key error aborts the whole transaction, so a redelivery must
  // be recognised by a read first (the transaction's snapshot; a concurrent writer of the same
  // document makes the update below fail with a transient WriteConflict, which withTransaction
  // retries from the start).
  if (session?.inTransaction() === true && opts.upsert === true && (await hasMarker())) return 'duplicate';

  let upsert = opts.upsert ?? false;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const result = await collection.updateOne(filter, marked, { upsert, ...withSession });
      if (result.matchedCount > 0 || result.upsertedCount > 0) return 'applied';
      break;
    } catch (error) {
      if (!upsert || !isDuplicateKeyError(error)) throw error;
      // "No match" made the server insert a document with this _id, which already exists: either
      // the marker is there (a redelivery), or a concurrent delivery of ANOTHER event created the
      // document first (MongoDB does not retry this upsert itself: the filter is more than an
      // equality on _id). Only the first means "already applied"; the second is retried as a
      // plain update, now that the document exists.
      if (await hasMarker()) return 'duplicate';
      if (attempt >= UPSERT_RACE_RETRIES) throw error;
      upsert = false;
    }
  }
  // No match: either "already applied" or "no such document".
  const exists = await collection.countDocuments({ _id: docId } as Document, { limit: 1, ...withSession });
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
