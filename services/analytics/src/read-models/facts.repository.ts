import type { AnyBulkWriteOperation, Collection, Document, IndexSpecification, UpdateFilter } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, isDuplicateKeyError } from '@sp/persistence';
import { FACT_COLLECTIONS, type FactCollection, type FactUpdate } from './domain/fact-updates';
import { collectionName, generationOf } from './domain/generations';

/** Indexes of each read model, fitting the reader's filters (period field, optionally after a scope field). */
const INDEXES: Record<FactCollection, Array<[name: string, keys: IndexSpecification]>> = {
  referral_facts: [
    ['by_submitted', { submittedAt: 1 }],
    ['by_requester_submitted', { requesterOrganisationId: 1, submittedAt: 1 }],
    ['by_ods_submitted', { requesterOdsCode: 1, submittedAt: 1 }],
    ['by_owner_submitted', { ownerOrganisationId: 1, submittedAt: 1 }],
  ],
  refusals: [
    ['by_occurred', { occurredAt: 1 }],
    ['by_requester_occurred', { requesterOrganisationId: 1, occurredAt: 1 }],
    ['by_ods_occurred', { requesterOdsCode: 1, occurredAt: 1 }],
    ['by_owner_occurred', { ownerOrganisationId: 1, occurredAt: 1 }],
  ],
  capacity_samples: [
    ['by_occurred', { occurredAt: 1 }],
    ['by_service_occurred', { serviceId: 1, occurredAt: 1 }],
    ['by_organisation_occurred', { organisationId: 1, occurredAt: 1 }],
  ],
};

/** Read-model documents are keyed by a string (referral id, refusal id, event id). */
type FactDocument = Document & { _id: string };

/** Attempts of a bulk write that lost an upsert race (two writers creating one document). */
const WRITE_ATTEMPTS = 4;

/**
 * The read-model collections of every generation: writes of fact updates, indexes, counts and
 * drops. Callers name a generation; the GenerationStore says which one to use. Reads live in
 * read-model.repository.ts.
 */
export class FactStore {
  constructor(private readonly connection: Connection) {}

  /** The driver collection of one read model in one generation (for this feature's repositories only). */
  collection<T extends Document = Document>(generation: number, name: FactCollection): Collection<T> {
    return collectionOf<T>(this.connection, collectionName(generation, name));
  }

  /**
   * Applies fact updates to each generation: one ordered bulk write per collection (an event's
   * guarded updates follow its upsert). The updates are idempotent, so a bulk write that failed
   * part-way (or lost an upsert race to another writer: a duplicate key) is simply run again.
   */
  async apply(generations: number[], updates: FactUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const byCollection = new Map<FactCollection, Array<AnyBulkWriteOperation<FactDocument>>>();
    for (const u of updates) {
      const ops = byCollection.get(u.collection) ?? [];
      ops.push({
        updateOne: { filter: u.filter, update: u.update as UpdateFilter<FactDocument>, upsert: u.upsert },
      });
      byCollection.set(u.collection, ops);
    }
    await Promise.all(
      generations.flatMap((g) =>
        [...byCollection].map(([name, ops]) => this.bulkWrite(this.collection<FactDocument>(g, name), ops)),
      ),
    );
  }

  private async bulkWrite(
    collection: Collection<FactDocument>,
    ops: Array<AnyBulkWriteOperation<FactDocument>>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await collection.bulkWrite(ops, { ordered: true });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** Creates the read models' collections and indexes of a generation (idempotent). */
  async ensureIndexes(generation: number): Promise<void> {
    for (const name of FACT_COLLECTIONS) {
      const collection = this.collection(generation, name);
      for (const [indexName, keys] of INDEXES[name]) await collection.createIndex(keys, { name: indexName });
    }
  }

  /** Document counts of a generation's read models. */
  async counts(generation: number): Promise<Record<FactCollection, number>> {
    const counts = await Promise.all(
      FACT_COLLECTIONS.map((name) => this.collection(generation, name).countDocuments({})),
    );
    return Object.fromEntries(FACT_COLLECTIONS.map((name, i) => [name, counts[i]!])) as Record<
      FactCollection,
      number
    >;
  }

  /** Generations that have at least one read-model collection. */
  async existingGenerations(): Promise<number[]> {
    const db = this.connection.db;
    if (!db) throw new Error('Database connection is not open');
    const names = await db.listCollections({}, { nameOnly: true }).toArray();
    const generations = names.map((c) => generationOf(c.name)).filter((g): g is number => g !== null);
    return [...new Set(generations)].sort((a, b) => a - b);
  }

  /** Drops every read-model collection of a generation. */
  async drop(generation: number): Promise<void> {
    for (const name of FACT_COLLECTIONS) {
      await this.collection(generation, name)
        .drop()
        .catch((error: unknown) => {
          // NamespaceNotFound: already gone.
          if ((error as { code?: unknown }).code !== 26) throw error;
        });
    }
  }
}
