import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import type { EventEnvelope } from '@sp/contracts';
import { outboxInsertFields, type OutboxEntry } from '@sp/messaging';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';
import type { GpSummary } from './domain/gp-summary';

/** Collection of the summaries; the outbox relay publishes from it too (see app.module.ts). */
export const GP_SUMMARIES_COLLECTION = 'gp_summaries';

/** A summary as stored: the domain record, when it was stored, and its pending events. */
export interface GpSummaryDocument extends GpSummary {
  createdAt: Date;
  outbox: OutboxEntry[];
  outboxPending?: boolean;
  outboxRelayPass?: string;
}

export interface GpSummarySearch {
  /** Only summaries these organisations may read (the caller's own); absent for ops. */
  readableBy?: string;
  referralId?: string;
  recipientOdsCode?: string;
  recipientOrganisationId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  offset: number;
  count: number;
}

const WITHOUT_OUTBOX = { projection: { outbox: 0, outboxPending: 0, outboxRelayPass: 0 } } as const;

/**
 * The GP summaries. Each is inserted once, with its `referral.gp-summary-issued` event in its own
 * outbox (one document write: the summary and the event that announces it cannot be separated),
 * under an id derived from the referral: a second insert for the same referral (a redelivered
 * closing event, another instance handling it during a rebalance) is a duplicate key and changes
 * nothing.
 */
@Injectable()
export class GpSummaryRepository implements OnModuleInit {
  private readonly summaries: Collection<GpSummaryDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.summaries = collectionOf<GpSummaryDocument>(connection, GP_SUMMARIES_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.summaries.createIndex({ referralId: 1 }, { name: 'by_referral' });
    await this.summaries.createIndex(
      { 'recipient.organisationId': 1, createdAt: 1 },
      { name: 'by_recipient' },
    );
    await this.summaries.createIndex({ ownerOrganisationId: 1, createdAt: 1 }, { name: 'by_owner' });
  }

  /** Stores the summary with its event, once: 'exists' when this referral's summary is already stored. */
  async insertOnce(
    summary: GpSummary,
    events: EventEnvelope[],
    now = new Date(),
  ): Promise<'created' | 'exists'> {
    return insertOnce(this.summaries, { ...summary, createdAt: now, ...outboxInsertFields(events, { now }) });
  }

  async findById(id: string): Promise<GpSummaryDocument | null> {
    return this.summaries.findOne({ _id: id }, WITHOUT_OUTBOX);
  }

  async search(query: GpSummarySearch): Promise<{ total: number; items: GpSummaryDocument[] }> {
    const clauses: Filter<GpSummaryDocument>[] = [];
    if (query.readableBy !== undefined) {
      clauses.push({
        $or: [
          { 'recipient.organisationId': query.readableBy },
          { ownerOrganisationId: query.readableBy },
          { 'closedBy.organisationId': query.readableBy },
        ],
      });
    }
    if (query.referralId !== undefined) clauses.push({ referralId: query.referralId });
    if (query.recipientOdsCode !== undefined) clauses.push({ 'recipient.odsCode': query.recipientOdsCode });
    if (query.recipientOrganisationId !== undefined)
      clauses.push({ 'recipient.organisationId': query.recipientOrganisationId });
    if (query.createdAfter || query.createdBefore) {
      clauses.push({
        createdAt: {
          ...(query.createdAfter ? { $gt: query.createdAfter } : {}),
          ...(query.createdBefore ? { $lt: query.createdBefore } : {}),
        },
      });
    }
    const filter: Filter<GpSummaryDocument> = clauses.length > 0 ? { $and: clauses } : {};
    const [total, items] = await Promise.all([
      this.summaries.countDocuments(filter),
      this.summaries
        .find(filter, WITHOUT_OUTBOX)
        .sort({ createdAt: 1, _id: 1 })
        .skip(query.offset)
        .limit(query.count)
        .toArray(),
    ]);
    return { total, items };
  }
}
