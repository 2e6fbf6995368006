import type { ClientSession, Collection, Document } from 'mongodb';
import { outboxInsertFields, outboxUpdate } from './outbox-entry';
import type { EventEnvelope } from '@sp/contracts';

/** Field of an aggregate written by saveWithEvents counting its writes (1 once inserted). */
export const REVISION_FIELD = 'revision';

export type SaveOutcome = { saved: true; revision: number } | { saved: false };

/**
 * Writes an aggregate document's state and the events that report the change, in ONE
 * single-document write (so state and events are committed together), on condition that the
 * document is still at the revision the caller read:
 *
 * - `readRevision` null: the caller found no document; it is inserted at revision 1.
 * - `readRevision` n (0 for a document stored before it had a revision): `$set` of `state`,
 *   `revision` incremented, events appended to the outbox; matched only while the stored revision
 *   is still n.
 *
 * `{ saved: false }` means another writer got there first (the document was created, or written
 * again, since the caller's read): the caller reads again, decides again and retries, a bounded
 * number of times. The write always changes the revision, even when `state` equals what is stored,
 * so a concurrent writer that read the same revision cannot also succeed.
 *
 * With `session` (a multi-document transaction) the transaction detects the conflict itself: a
 * write conflict or duplicate key is thrown, not answered with `{ saved: false }`, and the caller's
 * transaction runner retries the whole transaction.
 */
export async function saveWithEvents(
  collection: Collection<Document>,
  id: string,
  readRevision: number | null,
  state: Record<string, unknown>,
  events: EventEnvelope[],
  opts: { session?: ClientSession } = {},
): Promise<SaveOutcome> {
  const session = opts.session ? { session: opts.session } : {};
  if (readRevision === null) {
    try {
      await collection.insertOne(
        {
          _id: id,
          ...state,
          [REVISION_FIELD]: 1,
          ...(events.length > 0 ? outboxInsertFields(events) : {}),
        } as Document,
        session,
      );
      return { saved: true, revision: 1 };
    } catch (error) {
      if (!opts.session && isDuplicateKey(error)) return { saved: false };
      throw error;
    }
  }
  const filter: Document = {
    _id: id,
    // Documents written before revisions existed have none: they are at revision 0.
    [REVISION_FIELD]: readRevision === 0 ? { $exists: false } : readRevision,
  };
  const change = { $set: state, $inc: { [REVISION_FIELD]: 1 } };
  const result = await collection.updateOne(
    filter,
    events.length > 0 ? outboxUpdate(events, { merge: change }) : change,
    session,
  );
  if (result.matchedCount === 1) return { saved: true, revision: readRevision + 1 };
  if (opts.session) {
    throw new Error(
      `saveWithEvents: ${collection.collectionName}/${id} is not at revision ${readRevision} inside its own transaction`,
    );
  }
  return { saved: false };
}

function isDuplicateKey(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 11000 || code === 11001;
}
