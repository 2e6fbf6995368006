import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, isDuplicateKeyError, MONGO_CONNECTION } from '@sp/persistence';
import type { StoredSubscription } from './domain/subscription';
import type { SubscriptionStatus } from './domain/subscription-topic';

/** One event numbered for one subscription (its delivery job carries the same key). */
export interface SubscriptionEvent {
  /** `${subscriptionId}_${eventId}` */
  _id: string;
  subscriptionId: string;
  eventId: string;
  referralId: string;
  eventNumber: number;
  occurredAt: Date;
  state: 'queued' | 'sent' | 'failed';
  sentAt?: Date;
}

export const SUBSCRIPTIONS_COLLECTION = 'fhir_subscriptions';
export const SUBSCRIPTION_EVENTS_COLLECTION = 'fhir_subscription_events';

/** Subscriptions of FHIR clients and the events numbered for them. Ids only: no patient data. */
@Injectable()
export class FhirSubscriptionRepository implements OnModuleInit {
  private readonly subscriptions: Collection<StoredSubscription>;
  private readonly events: Collection<SubscriptionEvent>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.subscriptions = collectionOf<StoredSubscription>(connection, SUBSCRIPTIONS_COLLECTION);
    this.events = collectionOf<SubscriptionEvent>(connection, SUBSCRIPTION_EVENTS_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.subscriptions.createIndex(
      { 'owner.organisationId': 1, status: 1 },
      { name: 'by_organisation_status' },
    );
    await this.subscriptions.createIndex({ 'owner.role': 1, status: 1 }, { name: 'by_role_status' });
    await this.events.createIndex({ subscriptionId: 1, eventNumber: 1 }, { name: 'by_subscription_number' });
  }

  async insert(sub: StoredSubscription): Promise<void> {
    await this.subscriptions.insertOne(sub);
  }

  /** Subscriptions requested or active (not deleted), for reconciliation at start-up. */
  async live(): Promise<StoredSubscription[]> {
    return this.subscriptions
      .find({ status: { $in: ['requested', 'active'] }, deletedAt: { $exists: false } })
      .toArray();
  }

  async findById(id: string): Promise<StoredSubscription | null> {
    return this.subscriptions.findOne({ _id: id });
  }

  /** The organisation's subscriptions (ops: every one), newest first; deleted ones are left out. */
  async list(
    organisationId: string | undefined,
    status: SubscriptionStatus[] | undefined,
    limit: number,
  ): Promise<StoredSubscription[]> {
    const filter: Filter<StoredSubscription> = { deletedAt: { $exists: false } };
    if (organisationId !== undefined) filter['owner.organisationId'] = organisationId;
    if (status !== undefined) filter.status = { $in: status };
    return this.subscriptions.find(filter).sort({ createdAt: -1 }).limit(limit).toArray();
  }

  /**
   * Active subscriptions that could be told about a Task between these organisations: theirs,
   * ops', and (an open referral, no owner yet) every provider's and link worker's, since they may
   * claim it. The Task read authorisation then decides for each.
   */
  async candidates(
    requesterOrganisationId: string,
    ownerOrganisationId: string | undefined,
  ): Promise<StoredSubscription[]> {
    const organisations = [requesterOrganisationId, ...(ownerOrganisationId ? [ownerOrganisationId] : [])];
    const or: Filter<StoredSubscription>[] = [
      { 'owner.organisationId': { $in: organisations } },
      { 'owner.role': 'ops' },
    ];
    if (ownerOrganisationId === undefined) or.push({ 'owner.role': { $in: ['provider', 'link-worker'] } });
    return this.subscriptions.find({ status: 'active', deletedAt: { $exists: false }, $or: or }).toArray();
  }

  /**
   * The event's number for this subscription: the same on every call for one (subscription,
   * event), taken from the subscription's counter with an atomic $inc the first time, so numbers
   * are strictly increasing per subscription. A crash between the $inc and the insert leaves a
   * gap (the IG counts events generated, not delivered), never a duplicate.
   */
  async numberEvent(
    subscriptionId: string,
    eventId: string,
    referralId: string,
    occurredAt: Date,
  ): Promise<SubscriptionEvent | null> {
    const _id = `${subscriptionId}_${eventId}`;
    const existing = await this.events.findOne({ _id });
    if (existing) return existing;
    const counted = await this.subscriptions.findOneAndUpdate(
      { _id: subscriptionId, deletedAt: { $exists: false } },
      { $inc: { eventCount: 1 } },
      { returnDocument: 'after', projection: { eventCount: 1 } },
    );
    if (!counted) return null;
    const event: SubscriptionEvent = {
      _id,
      subscriptionId,
      eventId,
      referralId,
      eventNumber: counted.eventCount,
      occurredAt,
      state: 'queued',
    };
    try {
      await this.events.insertOne(event);
      return event;
    } catch (err: unknown) {
      if (isDuplicateKeyError(err)) return this.events.findOne({ _id });
      throw err;
    }
  }

  async eventsOf(subscriptionId: string): Promise<SubscriptionEvent[]> {
    return this.events.find({ subscriptionId }).sort({ eventNumber: 1 }).toArray();
  }

  async markEvent(key: string, state: SubscriptionEvent['state'], now: Date): Promise<void> {
    await this.events.updateOne(
      { _id: key },
      { $set: { state, ...(state === 'sent' ? { sentAt: now } : {}) } },
    );
  }

  /** requested -> active after a 2xx handshake (no effect in any other status). */
  async activate(id: string, now: Date): Promise<boolean> {
    const res = await this.subscriptions.updateOne(
      { _id: id, status: 'requested', deletedAt: { $exists: false } },
      { $set: { status: 'active', consecutiveFailures: 0, updatedAt: now }, $unset: { error: '' } },
    );
    return res.modifiedCount === 1;
  }

  async recordSuccess(id: string): Promise<void> {
    await this.subscriptions.updateOne(
      { _id: id, consecutiveFailures: { $ne: 0 } },
      { $set: { consecutiveFailures: 0 } },
    );
  }

  /**
   * One more failed attempt in a row; at `errorAfter` (or when `final`, for a handshake) the
   * subscription goes to status error with the reason. Answers the status after.
   */
  async recordFailure(
    id: string,
    reason: string,
    errorAfter: number,
    now: Date,
    final = false,
  ): Promise<SubscriptionStatus | undefined> {
    const after = await this.subscriptions.findOneAndUpdate(
      { _id: id },
      { $inc: { consecutiveFailures: 1 } },
      { returnDocument: 'after', projection: { consecutiveFailures: 1, status: 1 } },
    );
    if (!after) return undefined;
    if (
      (after.consecutiveFailures >= errorAfter || final) &&
      (after.status === 'active' || after.status === 'requested')
    ) {
      await this.subscriptions.updateOne(
        { _id: id, status: { $in: ['active', 'requested'] } },
        {
          $set: {
            status: 'error',
            error:
              `${after.consecutiveFailures} notification attempt(s) failed in a row; last: ${reason}`.slice(
                0,
                500,
              ),
            updatedAt: now,
          },
        },
      );
      return 'error';
    }
    return after.status;
  }

  /** DELETE: kept (for the record) as status off, never notified again. */
  async markDeleted(id: string, now: Date): Promise<void> {
    await this.subscriptions.updateOne(
      { _id: id, deletedAt: { $exists: false } },
      { $set: { status: 'off', deletedAt: now, updatedAt: now } },
    );
  }
}
