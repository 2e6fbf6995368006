import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';

/** True when a write failed because a unique index already holds the value (E11000). */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === 11000 || code === 11001;
}

/** Inserts a document whose id is its identity: a second insert of the same id changes nothing. */
export async function insertOnce<T extends Document>(
  collection: Collection<T>,
  doc: OptionalUnlessRequiredId<T>,
): Promise<'created' | 'exists'> {
  try {
    await collection.insertOne(doc);
    return 'created';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'exists';
    throw error;
  }
}
