import type { TSchema } from '@sinclair/typebox';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { createEnvelope, isUuid, type EventContract } from '@sp/contracts';
import { DomainError } from '@sp/errors';
import { eventMetaFromContext, outboxEntriesFor } from '@sp/messaging';
import { collectionOf, isDuplicateKeyError, runInTransaction } from '@sp/persistence';
import { directoryEventsFor } from '../hsds/domain/directory-events';
import type { StoredRecord } from '../hsds/domain/hsds-record';
import type { HsdsTable } from '../hsds/hsds-store.port';
import {
  rekeyFields,
  rekeyHsdsDocument,
  tableOfResourceType,
  uuidRef,
  type Rekeyed,
} from './domain/directory-id-rekey';

const SOURCE = '/services/organisations';
const MIGRATION_ID = 'directory-ids';

/** Referenced tables first, so a record's references are in UUIDs before the record moves. */
const HSDS_ORDER: HsdsTable[] = [
  'taxonomies',
  'taxonomy_terms',
  'organizations',
  'locations',
  'services',
  'service_at_locations',
];

/** Signals documents keyed by a directory id (`_id`), with the fields naming other records. */
const KEYED: Array<{ collection: string; table: string; fields: Record<string, string> }> = [
  { collection: 'assurance', table: 'organizations', fields: {} },
  { collection: 'service_capacity', table: 'services', fields: { organisationId: 'organizations' } },
  { collection: 'service_trust', table: 'services', fields: {} },
];

/** Documents naming directory records in fields (not in `_id`). */
const REFERRING: Array<{ collection: string; fields: Record<string, string> }> = [
  {
    collection: 'referral_signals',
    fields: {
      serviceId: 'services',
      organisationId: 'organizations',
      requesterOrganisationId: 'organizations',
    },
  },
  { collection: 'api_clients', fields: { organisationId: 'organizations' } },
];

export interface DirectoryIdsMigrationReport {
  /** Documents changed per collection (moved to a new `_id` or rewritten in place). */
  changed: Record<string, number>;
  /** Organisations whose assurance moved: their verification is to be announced again. */
  organisationsToAnnounce: string[];
}

function migrationConflict(what: string, attempts: number): DomainError {
  return new DomainError(
    'DIRECTORY.MIGRATION_CONFLICT',
    `${what} kept changing while the directory ids migration moved it (${attempts} attempts)`,
    { status: 503, retriable: true },
  );
}

/**
 * Directory ids in UUIDs (ADR 19, docs/directory.md "Ids and slugs"): moves every document stored
 * under a slug to its UUID and maps every stored reference, in the HSDS collections, their
 * provenance rows (`metadata.resource_id`), the signals keyed by service or organisation
 * (`assurance`, `service_capacity`, `service_trust`, `referral_signals`) and the API clients'
 * organisations. Idempotent: a document already in UUIDs is left alone. Run at start (HsdsBootstrap)
 * until a completed run is recorded in `migrations` (`_id: 'directory-ids'`). Each move is
 * one transaction (insert under the UUID, delete the slug document): SecantusDB, like MongoDB,
 * cannot change an `_id` in place. Instances starting together may race on a document: the loser's
 * transaction conflicts and is run again on what the winner left (usually nothing left to do).
 *
 * A moved organisation or service announces itself under its UUID (organisation.registered,
 * suspended; service.published) through its outbox, so consumers' replicas learn the new ids;
 * moved assurance is announced again by the caller (AssuranceService.evaluate); a moved capacity
 * is announced at its next change (its `announced` fingerprint is cleared).
 */
export class DirectoryIdsMigration {
  constructor(private readonly connection: Connection) {}

  private col(name: string): Collection<Document> {
    return collectionOf<Document>(this.connection, name);
  }

  /** Runs the migration unless a completed run is recorded (`migrations/directory-ids`). */
  async runOnce(now = new Date()): Promise<DirectoryIdsMigrationReport | null> {
    const marks = this.col('migrations');
    if (await marks.findOne({ _id: MIGRATION_ID as never })) return null;
    const report = await this.run(now);
    await marks.updateOne(
      { _id: MIGRATION_ID as never },
      { $set: { completedAt: now, changed: report.changed } },
      { upsert: true },
    );
    return report;
  }

  /** Runs the migration (safe to run again: it changes only what is not in UUIDs yet). */
  async run(now = new Date()): Promise<DirectoryIdsMigrationReport> {
    const changed: Record<string, number> = {};
    const count = (name: string, n: number) => (changed[name] = (changed[name] ?? 0) + n);
    for (const table of HSDS_ORDER) count(table, await this.migrateHsds(table, now));
    count('metadata', await this.migrateMetadata());
    const organisationsToAnnounce: string[] = [];
    for (const keyed of KEYED) {
      const moved = await this.migrateKeyed(keyed.collection, keyed.table, keyed.fields);
      count(keyed.collection, moved.length);
      if (keyed.collection === 'assurance') organisationsToAnnounce.push(...moved);
    }
    for (const referring of REFERRING)
      count(referring.collection, await this.migrateReferring(referring.collection, referring.fields));
    return { changed, organisationsToAnnounce };
  }

  private async migrateHsds(table: HsdsTable, now: Date): Promise<number> {
    const collection = this.col(table);
    let n = 0;
    for await (const doc of collection.find({})) {
      const rekeyed = rekeyHsdsDocument(table, doc as unknown as StoredRecord);
      if (!rekeyed) continue;
      await this.write(collection, String(doc['_id']), withAnnouncements(table, rekeyed, now));
      n += 1;
    }
    return n;
  }

  /** Moves (`moved`) or rewrites one document in one transaction. */
  private async write(collection: Collection<Document>, oldId: string, rekeyed: Rekeyed): Promise<void> {
    const { next, moved } = rekeyed;
    await runInTransaction(
      this.connection,
      async (session) => {
        const current = await collection.findOne({ _id: oldId as never }, { session });
        if (!current) return; // moved by another instance meanwhile
        if (!moved) {
          await collection.replaceOne({ _id: oldId as never }, next as Document, { session });
          return;
        }
        try {
          await collection.insertOne(next as never, { session });
        } catch (error) {
          // Already written under its UUID (by a write since): that newer document stays.
          if (!isDuplicateKeyError(error)) throw error;
          throw new AlreadyThere();
        }
        await collection.deleteOne({ _id: oldId as never }, { session });
      },
      {
        onConflict: (attempts) => migrationConflict(`${collection.collectionName}/${oldId}`, attempts),
        retryDuplicateKey: false,
      },
    ).catch(async (error: unknown) => {
      if (!(error instanceof AlreadyThere)) throw error;
      await collection.deleteOne({ _id: oldId as never });
    });
  }

  private async migrateMetadata(): Promise<number> {
    const metadata = this.col('metadata');
    let n = 0;
    for (const type of await metadata.distinct('resource_type')) {
      const table = tableOfResourceType(String(type));
      if (!table) continue;
      const ids = (await metadata.distinct('resource_id', { resource_type: type })) as unknown[];
      for (const id of ids) {
        if (typeof id !== 'string' || id.length === 0 || isUuid(id)) continue;
        const result = await metadata.updateMany(
          { resource_type: type, resource_id: id },
          { $set: { resource_id: uuidRef(table, id) } },
        );
        n += result.modifiedCount;
      }
    }
    return n;
  }

  /** Documents keyed by a slug move to the UUID (their `announced` fingerprint cleared). */
  private async migrateKeyed(name: string, table: string, fields: Record<string, string>): Promise<string[]> {
    const collection = this.col(name);
    const moved: string[] = [];
    for await (const doc of collection.find({})) {
      const oldId = String(doc['_id']);
      const id = uuidRef(table, oldId) as string;
      const set = rekeyFields(doc, fields) ?? {};
      const waitlist = Array.isArray(doc['waitlist']) ? (doc['waitlist'] as Document[]) : undefined;
      const mappedWaitlist = waitlist?.map((w) => ({
        ...w,
        ...(rekeyFields(w, { requesterOrganisationId: 'organizations' }) ?? {}),
      }));
      const waitlistChanged = JSON.stringify(mappedWaitlist) !== JSON.stringify(waitlist);
      if (id === oldId && Object.keys(set).length === 0 && !waitlistChanged) continue;
      const next: Document = {
        ...doc,
        ...set,
        ...(waitlistChanged ? { waitlist: mappedWaitlist } : {}),
        _id: id,
      };
      if (id !== oldId) delete next['announced'];
      await this.write(collection, oldId, { next: next as StoredRecord, moved: id !== oldId });
      if (id !== oldId) moved.push(id);
    }
    return moved;
  }

  private async migrateReferring(name: string, fields: Record<string, string>): Promise<number> {
    const collection = this.col(name);
    const anySlug = Object.keys(fields).map((field) => ({
      [field]: { $exists: true, $type: 'string', $not: UUID_PATTERN },
    }));
    let n = 0;
    for await (const doc of collection.find({ $or: anySlug })) {
      const set = rekeyFields(doc, fields);
      if (!set) continue;
      await collection.updateOne({ _id: doc['_id'] }, { $set: set });
      n += 1;
    }
    return n;
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class AlreadyThere extends Error {}

/** A moved organisation or service, with the events announcing it under its UUID in its outbox. */
function withAnnouncements(table: HsdsTable, rekeyed: Rekeyed, now: Date): Rekeyed {
  if (!rekeyed.moved || (table !== 'organizations' && table !== 'services')) return rekeyed;
  const events = directoryEventsFor(table, null, rekeyed.next, now.toISOString()).map((e) =>
    createEnvelope(e.contract as unknown as EventContract<TSchema>, e.data, eventMetaFromContext(SOURCE)),
  );
  if (events.length === 0) return rekeyed;
  const previous = Array.isArray(rekeyed.next['outbox']) ? (rekeyed.next['outbox'] as unknown[]) : [];
  return {
    moved: true,
    next: {
      ...rekeyed.next,
      outbox: [...previous, ...outboxEntriesFor(events, undefined, now)],
      outboxPending: true,
    } as StoredRecord,
  };
}
