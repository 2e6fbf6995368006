import type { Collection, Document } from 'mongodb';
import { outboxInsertFields, outboxUpdate } from './outbox-entry';
import type { EventEnvelope } from '@sp/contracts';

/**
 * Writes a document's whole state and the events that report the change, in ONE single-document
 * write: an insert when the document does not exist yet (`exists` false), else a `$set` of `state`
 * (with the events appended to its outbox when there are any). The caller holds the document lock
 * (`withDocumentLock`) around its read and this write.
 */
export async function saveWithEvents(
  collection: Collection<Document>,
  id: string,
  exists: boolean,
  state: Record<string, unknown>,
  events: EventEnvelope[],
): Promise<void> {
  if (!exists) {
    await collection.insertOne({
      _id: id,
      ...state,
      ...(events.length > 0 ? outboxInsertFields(events) : {}),
    } as Document);
  } else if (events.length > 0) {
    await collection.updateOne({ _id: id } as Document, outboxUpdate(events, { merge: { $set: state } }));
  } else {
    await collection.updateOne({ _id: id } as Document, { $set: state });
  }
}
