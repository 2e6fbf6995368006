import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { traceContext } from '@sp/observability';
import { BatchedInserter, collectionOf, MONGO_CONNECTION } from '@sp/persistence';

/**
 * allowed: done; denied: the caller is not a party (answered 404, existence hidden);
 * refused: a party asked for something the rules do not allow (4xx).
 */
export type AuditOutcome = 'allowed' | 'denied' | 'refused';

export interface AuditEntry {
  actor: { clientId: string; organisationId: string; role: string; person?: { sub: string; name?: string } };
  /** referral.create | referral.create.replayed | referral.read | referral.search | referral.history | referral.<action> | referral.claim | referral.onward | referral.reroute | referral.consent-withdrawal | referral.expire | referral.remind | ... */
  action: string;
  referralId: string;
  outcome: AuditOutcome;
  /** Error code when refused or denied. */
  code?: string;
  /** Why patient data was read, when the reader must say (e.g. 'patient-notification'). */
  purpose?: string;
}

export interface AuditDocument extends AuditEntry {
  /** The acting organisation, top level for querying. */
  organisationId: string;
  at: Date;
  correlationId?: string;
}

export interface AuditQuery {
  referralId?: string;
  organisationId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Who touched which referral's patient data, when, and with what result. Append-only. */
@Injectable()
export class AuditLogRepository implements OnModuleInit {
  private readonly entries: Collection<AuditDocument>;
  /**
   * Entries of concurrent requests share one insert (group commit): each caller still waits until
   * its own entries are written, so an audited action never answers before its audit is durable.
   */
  private readonly inserter: BatchedInserter<AuditDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.entries = collectionOf<AuditDocument>(connection, 'audit_log');
    this.inserter = new BatchedInserter(this.entries);
  }

  async onModuleInit(): Promise<void> {
    await this.entries.createIndex({ referralId: 1, at: 1 }, { name: 'by_referral' });
    await this.entries.createIndex({ organisationId: 1, at: 1 }, { name: 'by_organisation' });
  }

  async record(entry: AuditEntry, at = new Date()): Promise<void> {
    await this.recordMany([entry], at);
  }

  async recordMany(entries: AuditEntry[], at = new Date()): Promise<void> {
    if (entries.length === 0) return;
    const correlationId = traceContext.current()?.correlationId;
    await this.inserter.insertAll(
      entries.map((entry) => ({
        ...entry,
        organisationId: entry.actor.organisationId,
        at,
        ...(correlationId ? { correlationId } : {}),
      })),
    );
  }

  async forReferral(referralId: string): Promise<AuditDocument[]> {
    return this.entries
      .find({ referralId }, { projection: { _id: 0 } })
      .sort({ at: 1 })
      .limit(10_000)
      .toArray();
  }

  async query(q: AuditQuery): Promise<{ total: number; items: AuditDocument[] }> {
    const filter: Filter<AuditDocument> = {};
    if (q.referralId) filter.referralId = q.referralId;
    if (q.organisationId) filter.organisationId = q.organisationId;
    if (q.from || q.to) filter.at = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    const [total, items] = await Promise.all([
      this.entries.countDocuments(filter),
      this.entries
        .find(filter, { projection: { _id: 0 } })
        .sort({ at: 1 })
        .skip(q.offset)
        .limit(q.limit)
        .toArray(),
    ]);
    return { total, items };
  }
}
