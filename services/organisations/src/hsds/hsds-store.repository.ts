import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { DomainError } from '@sp/errors';
import type { OutboxRelay } from '@sp/messaging';
import { collectionOf, isDuplicateKeyError, runInTransaction } from '@sp/persistence';
import type { StoredRecord } from './domain/hsds-record';
import { metadataRows, type MetadataRow } from './domain/metadata-rows';
import { recordIdOf, withUuidIds } from './domain/record-ids';
import type { HsdsRecord, HsdsStore, HsdsTable, HsdsWriteResult, Provenance } from './hsds-store.port';
import {
  assertValidIds,
  planWrite,
  type InsertPlan,
  type UpdatePlan,
  type WritePlan,
} from './hsds-write-plan';
import { platformTaxonomy, platformTaxonomyTerms } from './platform-taxonomy';

/** The stored document without its outbox (never part of what a write decides on). */
const NO_OUTBOX = { projection: { outbox: 0 } };

export interface StoredWrite extends HsdsWriteResult {
  record: StoredRecord;
}

/**
 * What to write, decided from the record as stored now (null: none). It may throw (not found,
 * conflict, access): nothing is written then. It may be called more than once (see writeWith).
 */
export type DecideWrite = (previous: StoredRecord | null) => HsdsRecord;

/** The error of a write that lost to concurrent writers of the same records on every attempt. */
export function writeConflict(table: HsdsTable, ids: string[], attempts: number): DomainError {
  const what = ids.length === 1 ? `${table}/${ids[0]}` : `${ids.length} ${table} records`;
  return new DomainError(
    'DIRECTORY.WRITE_CONFLICT',
    `${what} kept being changed by concurrent writers (${attempts} attempts); try again`,
    { status: 409, retriable: true },
  );
}

/**
 * The HSDS tables in MongoDB (storage convention in hsds-store.port.ts). Each write is one
 * multi-document transaction: read the record, decide, write the record with its platform fields
 * and its directory events (outbox, same document) and append its provenance rows to `metadata`.
 * The record and its provenance therefore change together or not at all, and a concurrent writer
 * of the same record (another request, another instance, an import, the outbox relay) makes the
 * transaction fail with a write conflict instead of being overwritten: it is then run again on the
 * record as that writer left it. Writing an equal record again is `unchanged` and writes nothing.
 */
export class HsdsStoreRepository implements HsdsStore {
  readonly metadata: Collection<MetadataRow>;

  constructor(
    private readonly connection: Connection,
    private readonly relay: Pick<OutboxRelay, 'kick'> = { kick: () => undefined },
  ) {
    this.metadata = collectionOf<MetadataRow>(connection, 'metadata');
  }

  collection(table: HsdsTable): Collection<StoredRecord> {
    return collectionOf<StoredRecord>(this.connection, table);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection('services').createIndex({ organization_id: 1 }, { name: 'by_organization' });
    await this.collection('service_at_locations').createIndex({ service_id: 1 }, { name: 'by_service' });
    await this.collection('service_at_locations').createIndex({ location_id: 1 }, { name: 'by_location' });
    await this.collection('taxonomy_terms').createIndex({ taxonomy_id: 1 }, { name: 'by_taxonomy' });
    await this.metadata.createIndex({ resource_id: 1 }, { name: 'by_resource' });
  }

  /** The platform need taxonomy and its terms (idempotent: unchanged terms write nothing). */
  async seedPlatformTaxonomy(): Promise<void> {
    const provenance = { updatedBy: 'seed', source: 'platform-taxonomy' };
    await this.upsert('taxonomies', platformTaxonomy(), provenance);
    for (const term of platformTaxonomyTerms()) await this.upsert('taxonomy_terms', term, provenance);
  }

  async upsert(table: HsdsTable, record: HsdsRecord, provenance: Provenance): Promise<HsdsWriteResult> {
    const { outcome } = await this.write(table, record, provenance);
    return { outcome };
  }

  /**
   * Which of the records named (by UUID or slug) exist in the table; the answer names them as
   * asked, so a caller checking slug references gets its slugs back.
   */
  async existing(table: HsdsTable, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const asked = [...new Set(ids)];
    const found = await this.collection(table)
      .find(
        { _id: { $in: [...new Set(asked.map((id) => recordIdOf(table, id)))] } },
        { projection: { _id: 1 } },
      )
      .toArray();
    const stored = new Set(found.map((d) => d._id));
    return new Set(asked.filter((id) => stored.has(recordIdOf(table, id))));
  }

  /** The record named by its UUID or its slug. */
  async find(table: HsdsTable, id: string): Promise<StoredRecord | null> {
    return this.collection(table).findOne({ _id: recordIdOf(table, id) }, NO_OUTBOX);
  }

  /**
   * Upsert by id. `record.sp` (platform fields: status, publication, kind...) is merged over the
   * stored ones, so an import that does not name them keeps what management decided. A record
   * named by a slug is stored under its UUID (domain/record-ids.ts), the slug kept in `sp.slug`.
   */
  async write(
    table: HsdsTable,
    record: HsdsRecord,
    provenance: Provenance,
    now = new Date(),
  ): Promise<StoredWrite> {
    assertValidIds([record]);
    const stored = withUuidIds(table, record);
    return this.writeWith(table, stored.id, provenance, () => stored, now);
  }

  /**
   * Writes the record `decide` makes of the stored one (see the class comment). `decide` is called
   * again with the record as a concurrent writer left it when that writer came first, so a
   * decision made on a record (a suspension keeping its content, an access check on its owner)
   * always holds for the record it replaces.
   */
  async writeWith(
    table: HsdsTable,
    id: string,
    provenance: Provenance,
    decide: DecideWrite,
    now = new Date(),
  ): Promise<StoredWrite> {
    const collection = this.collection(table);
    id = recordIdOf(table, id);
    const plan = await runInTransaction(
      this.connection,
      async (session) => {
        const previous = await collection.findOne({ _id: id }, { ...NO_OUTBOX, session });
        const decided = decide(previous);
        assertValidIds([decided]);
        const record = withUuidIds(table, decided);
        if (record.id !== id) throw new Error(`writeWith ${table}/${id} was given record ${record.id}`);
        const planned = planWrite(table, record, previous, provenance, now);
        if (planned.kind === 'insert') await collection.insertOne(planned.document, { session });
        else if (planned.kind === 'update')
          await collection.updateOne({ _id: id }, planned.update, { session });
        if (planned.kind !== 'unchanged') await this.insertRows(planned.rows, session);
        return planned;
      },
      { onConflict: (attempts) => writeConflict(table, [id], attempts) },
    );
    if (plan.kind === 'unchanged') return { outcome: 'unchanged', record: plan.record };
    if (plan.events) this.relay.kick();
    return { outcome: plan.kind === 'insert' ? 'created' : 'updated', record: plan.record };
  }

  async upsertMany(
    table: HsdsTable,
    records: HsdsRecord[],
    provenance: Provenance,
  ): Promise<HsdsWriteResult[]> {
    const writes = await this.writeMany(table, records, provenance);
    return writes.map(({ outcome }) => ({ outcome }));
  }

  /**
   * `write` for a batch, with the same outcome per record as writing them one after the other, in
   * fewer round trips, in one transaction per round: one `find` by `_id $in` for the batch, one
   * `insertMany` for the new records, one `bulkWrite` of the changed ones, one `insertMany` for all
   * provenance rows. A write conflict runs the round again on fresh data. A record another process
   * created since the round's read (duplicate key) makes the round's records be written one by
   * one instead (that one then as an update). Several records with one id are written in input
   * order (the second in a later round, a millisecond later).
   */
  async writeMany(
    table: HsdsTable,
    records: HsdsRecord[],
    provenance: Provenance,
    now?: Date,
  ): Promise<StoredWrite[]> {
    assertValidIds(records);
    records = records.map((record) => withUuidIds(table, record));
    const rounds: number[][] = [];
    const seen = new Map<string, number>();
    records.forEach((record, index) => {
      const round = seen.get(record.id) ?? 0;
      seen.set(record.id, round + 1);
      (rounds[round] ??= []).push(index);
    });
    const results: StoredWrite[] = new Array<StoredWrite>(records.length);
    for (const [n, indexes] of rounds.entries()) {
      const at = now ? new Date(now.getTime() + n) : new Date();
      const written = await this.writeRound(
        table,
        indexes.map((i) => records[i] as HsdsRecord),
        provenance,
        at,
      );
      indexes.forEach((i, j) => (results[i] = written[j] as StoredWrite));
    }
    return results;
  }

  /** One batch round: records with distinct ids. */
  private async writeRound(
    table: HsdsTable,
    records: HsdsRecord[],
    provenance: Provenance,
    now: Date,
  ): Promise<StoredWrite[]> {
    if (records.length === 0) return [];
    const collection = this.collection(table);
    const ids = records.map((r) => r.id);
    let plans: WritePlan[];
    try {
      plans = await runInTransaction(
        this.connection,
        async (session) => {
          const found = await collection.find({ _id: { $in: ids } }, { ...NO_OUTBOX, session }).toArray();
          const previousById = new Map(found.map((d) => [d._id, d]));
          const planned = records.map((record) =>
            planWrite(table, record, previousById.get(record.id) ?? null, provenance, now),
          );
          const inserts = planned.filter((p): p is InsertPlan => p.kind === 'insert');
          const updates = planned.filter((p): p is UpdatePlan => p.kind === 'update');
          if (inserts.length > 0)
            await collection.insertMany(
              inserts.map((p) => p.document),
              { session },
            );
          if (updates.length > 0) {
            await collection.bulkWrite(
              updates.map((p) => ({ updateOne: { filter: { _id: p.record._id }, update: p.update } })),
              { session },
            );
          }
          await this.insertRows(
            [...inserts, ...updates].flatMap((p) => p.rows),
            session,
          );
          return planned;
        },
        {
          onConflict: (attempts) => writeConflict(table, ids, attempts),
          retryDuplicateKey: false,
        },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Created by another process since the round's read: write them on their own (now updates).
      const results: StoredWrite[] = [];
      for (const record of records) results.push(await this.write(table, record, provenance, now));
      return results;
    }
    if (plans.some((p) => p.kind !== 'unchanged' && p.events)) this.relay.kick();
    return plans.map((p) =>
      p.kind === 'unchanged'
        ? { outcome: 'unchanged', record: p.record }
        : { outcome: p.kind === 'insert' ? 'created' : 'updated', record: p.record },
    );
  }

  /** Deletes a record (used for service_at_location unlinks); provenance records the deletion. */
  async remove(table: HsdsTable, id: string, provenance: Provenance, now = new Date()): Promise<boolean> {
    const collection = this.collection(table);
    id = recordIdOf(table, id);
    return runInTransaction(
      this.connection,
      async (session) => {
        const result = await collection.deleteOne({ _id: id }, { session });
        if (result.deletedCount === 0) return false;
        const rows = metadataRows({
          table,
          id,
          action: 'delete',
          fields: [],
          previous: null,
          next: null,
          provenance,
          at: now,
        });
        await this.insertRows(rows, session);
        return true;
      },
      { onConflict: (attempts) => writeConflict(table, [id], attempts) },
    );
  }

  private async insertRows(rows: MetadataRow[], session: ClientSession): Promise<void> {
    if (rows.length > 0) await this.metadata.insertMany(rows, { session });
  }
}
