import type { TSchema } from '@sinclair/typebox';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { createEnvelope, type EventContract } from '@sp/contracts';
import { ValidationError } from '@sp/errors';
import {
  eventMetaFromContext,
  outboxInsertFields,
  outboxUpdate,
  withDocumentLock,
  withDocumentLocks,
  type OutboxRelay,
} from '@sp/messaging';
import { collectionOf, isDuplicateKeyError } from '@sp/persistence';
import { directoryEventsFor } from './domain/directory-events';
import {
  canonicalJson,
  changedFields,
  derivedFields,
  hsdsContent,
  RECORD_ID,
  type PlatformFields,
  type StoredRecord,
} from './domain/hsds-record';
import { metadataRows, type MetadataRow } from './domain/metadata-rows';
import type { HsdsRecord, HsdsStore, HsdsTable, HsdsWriteResult, Provenance } from './hsds-store.port';
import { platformTaxonomy, platformTaxonomyTerms } from './platform-taxonomy';

const SOURCE = '/services/organisations';

/** Platform fields whose change is a change of the record (derived and timestamp fields are not). */
const DECIDED_FIELDS: Array<keyof PlatformFields> = ['kind', 'status', 'suspensionReason', 'publication'];

export interface StoredWrite extends HsdsWriteResult {
  record: StoredRecord;
}

/**
 * The HSDS tables in MongoDB (storage convention in hsds-store.port.ts). Each write is one
 * read-modify-write of one document under its document lock (FerretDB updates are not isolated):
 * the record, its platform fields and its directory events (outbox) in one single-document write,
 * then its provenance rows in `metadata`. Writing an equal record again is `unchanged` and writes
 * nothing at all.
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

  async existing(table: HsdsTable, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.collection(table)
      .find({ _id: { $in: [...new Set(ids)] } }, { projection: { _id: 1 } })
      .toArray();
    return new Set(found.map((d) => d._id));
  }

  async find(table: HsdsTable, id: string): Promise<StoredRecord | null> {
    return this.collection(table).findOne({ _id: id }, { projection: { outbox: 0 } });
  }

  /**
   * Upsert by id. `record.sp` (platform fields: status, publication, kind...) is merged over the
   * stored ones, so an import that does not name them keeps what management decided.
   */
  async write(
    table: HsdsTable,
    record: HsdsRecord,
    provenance: Provenance,
    now = new Date(),
  ): Promise<StoredWrite> {
    assertValidIds([record]);
    const collection = this.collection(table);
    return withDocumentLock(collection as unknown as Collection<Document>, record.id, async () => {
      const previous = await collection.findOne({ _id: record.id });
      const plan = planWrite(table, record, previous, provenance, now);
      if (plan.kind === 'unchanged') return { outcome: 'unchanged', record: plan.record };
      if (plan.kind === 'insert') {
        try {
          await collection.insertOne(plan.document);
        } catch (err) {
          if (isDuplicateKeyError(err)) {
            throw new Error(
              `${table}/${record.id} was created concurrently by another process; retry the write`,
            );
          }
          throw err;
        }
      } else {
        await collection.updateOne({ _id: record.id }, plan.update);
      }
      if (plan.rows.length > 0) await this.metadata.insertMany(plan.rows);
      if (plan.events) this.relay.kick();
      return { outcome: plan.kind === 'insert' ? 'created' : 'updated', record: plan.record };
    });
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
   * fewer round trips: one `find` by `_id $in` for the batch, one unordered `insertMany` for the new
   * records, one `updateOne` per changed record, one `insertMany` for all provenance rows. The
   * documents of the batch are locked while it is written. A record that another process created
   * between the find and the insert is written again on its own (then an update). Several records
   * with one id are written in input order (the second in a later round, a millisecond later).
   */
  async writeMany(
    table: HsdsTable,
    records: HsdsRecord[],
    provenance: Provenance,
    now?: Date,
  ): Promise<StoredWrite[]> {
    assertValidIds(records);
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
    const results: Array<StoredWrite | undefined> = new Array<StoredWrite | undefined>(records.length);
    const raced: number[] = [];
    let kick = false;
    await withDocumentLocks(collection as unknown as Collection<Document>, ids, async () => {
      const found = await collection.find({ _id: { $in: ids } }).toArray();
      const previousById = new Map(found.map((d) => [d._id, d]));
      const plans = records.map((record) =>
        planWrite(table, record, previousById.get(record.id) ?? null, provenance, now),
      );
      const inserts: number[] = [];
      const updates: number[] = [];
      plans.forEach((plan, i) => {
        if (plan.kind === 'unchanged') results[i] = { outcome: 'unchanged', record: plan.record };
        else if (plan.kind === 'insert') inserts.push(i);
        else updates.push(i);
      });
      if (inserts.length > 0) {
        const documents = inserts.map((i) => (plans[i] as InsertPlan).document);
        try {
          await collection.insertMany(documents, { ordered: false });
        } catch (err) {
          const duplicates = duplicateIndexes(err);
          if (duplicates === null) throw err;
          for (const j of duplicates) raced.push(inserts[j] as number);
        }
      }
      let next = 0;
      const updater = async (): Promise<void> => {
        while (next < updates.length) {
          const i = updates[next] as number;
          next += 1;
          const plan = plans[i] as UpdatePlan;
          await collection.updateOne({ _id: plan.record._id }, plan.update);
        }
      };
      await Promise.all(Array.from({ length: Math.min(UPDATE_CONCURRENCY, updates.length) }, updater));
      const racedSet = new Set(raced);
      const rows: MetadataRow[] = [];
      plans.forEach((plan, i) => {
        if (plan.kind === 'unchanged' || racedSet.has(i)) return;
        rows.push(...plan.rows);
        kick ||= plan.events;
        results[i] = { outcome: plan.kind === 'insert' ? 'created' : 'updated', record: plan.record };
      });
      if (rows.length > 0) await this.metadata.insertMany(rows);
    });
    // Created by another process since the find: write them on their own, now as updates.
    for (const i of raced) results[i] = await this.write(table, records[i] as HsdsRecord, provenance, now);
    if (kick) this.relay.kick();
    return results as StoredWrite[];
  }

  /** Deletes a record (used for service_at_location unlinks); provenance records the deletion. */
  async remove(table: HsdsTable, id: string, provenance: Provenance, now = new Date()): Promise<boolean> {
    const collection = this.collection(table);
    return withDocumentLock(collection as unknown as Collection<Document>, id, async () => {
      const result = await collection.deleteOne({ _id: id });
      if (result.deletedCount === 0) return false;
      await this.metadata.insertMany(
        metadataRows({
          table,
          id,
          action: 'delete',
          fields: [],
          previous: null,
          next: null,
          provenance,
          at: now,
        }),
      );
      return true;
    });
  }
}

const UPDATE_CONCURRENCY = 4;

interface UnchangedPlan {
  kind: 'unchanged';
  record: StoredRecord;
}
interface InsertPlan {
  kind: 'insert';
  record: StoredRecord;
  document: StoredRecord;
  rows: MetadataRow[];
  events: boolean;
}
interface UpdatePlan {
  kind: 'update';
  record: StoredRecord;
  update: Record<string, unknown>;
  rows: MetadataRow[];
  events: boolean;
}
type WritePlan = UnchangedPlan | InsertPlan | UpdatePlan;

/** The ids must be usable in event keys and subjects; a bad one rejects the whole call. */
function assertValidIds(records: HsdsRecord[]): void {
  const problems = records.flatMap((record, i) =>
    typeof record.id === 'string' && RECORD_ID.test(record.id)
      ? []
      : [
          {
            field: records.length === 1 ? 'id' : `records[${i}].id`,
            code: 'invalid_format',
            message: 'id must be 1-64 characters of A-Z a-z 0-9 . _ : -',
          },
        ],
  );
  if (problems.length > 0)
    throw new ValidationError(
      problems.length === 1 ? 'The record id is invalid' : 'Some record ids are invalid',
      problems,
    );
}

/**
 * What writing `record` over `previous` (the stored document or null) means: nothing (equal
 * record), an insert or an update; with its platform fields, directory events (in the document's
 * outbox) and provenance rows.
 */
function planWrite(
  table: HsdsTable,
  record: HsdsRecord,
  previous: StoredRecord | null,
  provenance: Provenance,
  now: Date,
): WritePlan {
  const requested = (record as { sp?: PlatformFields }).sp ?? {};
  const content = hsdsContent(record);
  const previousContent = previous ? hsdsContent(previous) : null;
  const previousSp: PlatformFields = previous?.sp ?? {};
  const sp: PlatformFields = {
    ...defaultsFor(table),
    ...previousSp,
    ...stripUndefined(requested),
    ...derivedFields(table, content),
  };
  const fields = [
    ...changedFields(previousContent, content),
    ...DECIDED_FIELDS.filter((k) => canonicalJson(previousSp[k]) !== canonicalJson(sp[k])).map(
      (k) => `sp.${k}`,
    ),
  ];
  if (previous && fields.length === 0) return { kind: 'unchanged', record: previous };

  sp.createdAt = previousSp.createdAt ?? now;
  sp.modifiedAt = now;
  const next: StoredRecord = { ...content, _id: record.id, sp };
  const events = directoryEventsFor(table, previous, next, now.toISOString()).map((e) =>
    createEnvelope(e.contract as unknown as EventContract<TSchema>, e.data, eventMetaFromContext(SOURCE)),
  );
  const rows = metadataRows({
    table,
    id: record.id,
    action: previous ? 'update' : 'create',
    fields,
    previous: previous ? { ...previousContent, sp: previousSp } : null,
    next: { ...content, sp },
    provenance,
    at: now,
  });
  if (!previous) {
    const document = { ...next, ...(events.length > 0 ? outboxInsertFields(events) : {}) } as StoredRecord;
    return { kind: 'insert', record: next, document, rows, events: events.length > 0 };
  }
  const removed = Object.keys(previousContent ?? {}).filter((k) => !(k in content));
  const update: Record<string, Record<string, unknown>> = { $set: { ...content, sp } };
  if (removed.length > 0) update['$unset'] = Object.fromEntries(removed.map((k) => [k, '']));
  return {
    kind: 'update',
    record: next,
    update: events.length > 0 ? outboxUpdate(events, { merge: update }) : update,
    rows,
    events: events.length > 0,
  };
}

/** Indexes (in the inserted list) of the documents an unordered insertMany refused as duplicates; null if it failed otherwise. */
function duplicateIndexes(err: unknown): number[] | null {
  const writeErrors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  if (writeErrors === undefined || writeErrors === null) return null;
  const errors = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as Array<{
    index?: number;
    code?: number;
  }>;
  if (errors.length === 0 || errors.some((e) => e.code !== 11000 || typeof e.index !== 'number')) return null;
  return errors.map((e) => e.index as number);
}

function defaultsFor(table: HsdsTable): PlatformFields {
  if (table === 'organizations') return { kind: 'vcs', status: 'active' };
  if (table === 'services') return { publication: 'published' };
  return {};
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
