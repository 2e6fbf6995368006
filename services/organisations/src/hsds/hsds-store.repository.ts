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
    if (typeof record.id !== 'string' || !RECORD_ID.test(record.id)) {
      throw new ValidationError('The record id is invalid', [
        { field: 'id', code: 'invalid_format', message: 'id must be 1-64 characters of A-Z a-z 0-9 . _ : -' },
      ]);
    }
    const collection = this.collection(table);
    return withDocumentLock(collection as unknown as Collection<Document>, record.id, async () => {
      const previous = await collection.findOne({ _id: record.id });
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
      if (previous && fields.length === 0) return { outcome: 'unchanged', record: previous };

      sp.createdAt = previousSp.createdAt ?? now;
      sp.modifiedAt = now;
      const next: StoredRecord = { ...content, _id: record.id, sp };
      const events = directoryEventsFor(table, previous, next, now.toISOString()).map((e) =>
        createEnvelope(e.contract as unknown as EventContract<TSchema>, e.data, eventMetaFromContext(SOURCE)),
      );
      if (!previous) {
        try {
          await collection.insertOne({ ...next, ...(events.length > 0 ? outboxInsertFields(events) : {}) });
        } catch (err) {
          if (isDuplicateKeyError(err)) {
            throw new Error(
              `${table}/${record.id} was created concurrently by another process; retry the write`,
            );
          }
          throw err;
        }
      } else {
        const removed = Object.keys(previousContent ?? {}).filter((k) => !(k in content));
        const update: Record<string, Record<string, unknown>> = { $set: { ...content, sp } };
        if (removed.length > 0) update['$unset'] = Object.fromEntries(removed.map((k) => [k, '']));
        await collection.updateOne(
          { _id: record.id },
          events.length > 0 ? outboxUpdate(events, { merge: update }) : update,
        );
      }
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
      if (rows.length > 0) await this.metadata.insertMany(rows);
      if (events.length > 0) this.relay.kick();
      return { outcome: previous ? 'updated' : 'created', record: next };
    });
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

function defaultsFor(table: HsdsTable): PlatformFields {
  if (table === 'organizations') return { kind: 'vcs', status: 'active' };
  if (table === 'services') return { publication: 'published' };
  return {};
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
