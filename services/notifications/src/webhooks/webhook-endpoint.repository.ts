import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Filter, UpdateFilter } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { DisabledReason } from './domain/delivery-rules';
import type { StoredSecret, WebhookEndpointDocument } from './webhook-endpoint.entity';

/**
 * Whose endpoints a caller may see: its own organisation's, or (operations, reading) any. Every
 * read and write of the API goes through a scope, so a query without the tenant cannot be written.
 */
export type EndpointScope = { organisationId: string } | { anyOrganisation: true };

export type EndpointChanges = Partial<
  Pick<WebhookEndpointDocument, 'url' | 'eventTypes' | 'description' | 'enabled'>
>;

function scoped(id: string, scope: EndpointScope): Filter<WebhookEndpointDocument> {
  return 'organisationId' in scope ? { _id: id, organisationId: scope.organisationId } : { _id: id };
}

/** How stale `lastSuccessAt` may be (it is a health hint, not a delivery record: attempts are). */
const SUCCESS_STAMP_RESOLUTION_MS = 60_000;

/** Webhook endpoints (collection webhook_endpoints). */
@Injectable()
export class WebhookEndpointRepository implements OnModuleInit {
  private readonly endpoints: Collection<WebhookEndpointDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.endpoints = collectionOf<WebhookEndpointDocument>(connection, 'webhook_endpoints');
  }

  async onModuleInit(): Promise<void> {
    await this.endpoints.createIndex({ organisationId: 1, createdAt: 1 }, { name: 'by_organisation' });
  }

  async insert(endpoint: WebhookEndpointDocument): Promise<void> {
    await this.endpoints.insertOne(endpoint);
  }

  find(id: string, scope: EndpointScope): Promise<WebhookEndpointDocument | null> {
    return this.endpoints.findOne(scoped(id, scope));
  }

  /** Oldest first; operations may narrow to one organisation. */
  list(scope: EndpointScope, organisationFilter?: string): Promise<WebhookEndpointDocument[]> {
    const filter: Filter<WebhookEndpointDocument> =
      'organisationId' in scope
        ? { organisationId: scope.organisationId }
        : organisationFilter
          ? { organisationId: organisationFilter }
          : {};
    return this.endpoints.find(filter).sort({ createdAt: 1, _id: 1 }).limit(1000).toArray();
  }

  /** Applies the changes; re-enabling clears why and since when it was disabled, and its failure run. */
  async update(
    id: string,
    scope: { organisationId: string },
    changes: EndpointChanges,
    now: Date,
  ): Promise<WebhookEndpointDocument | null> {
    const update: UpdateFilter<WebhookEndpointDocument> = { $set: { ...changes, updatedAt: now } };
    if (changes.enabled === true) {
      update.$unset = { disabledReason: '', disabledAt: '', failingSince: '' };
    } else if (changes.enabled === false) {
      update.$set = { ...update.$set, disabledReason: 'disabled-by-organisation', disabledAt: now };
    }
    return this.endpoints.findOneAndUpdate(scoped(id, scope), update, { returnDocument: 'after' });
  }

  async replaceSecrets(
    id: string,
    scope: { organisationId: string },
    secrets: StoredSecret[],
    now: Date,
  ): Promise<WebhookEndpointDocument | null> {
    return this.endpoints.findOneAndUpdate(
      scoped(id, scope),
      { $set: { secrets, updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  async delete(id: string, scope: { organisationId: string }): Promise<boolean> {
    return (await this.endpoints.deleteOne(scoped(id, scope))).deletedCount > 0;
  }

  // The delivery side (jobs carry the endpoint id; the organisation is the notice's).

  /** The enabled endpoints of an organisation (dispatch filters them by kind). */
  enabledFor(organisationId: string): Promise<WebhookEndpointDocument[]> {
    return this.endpoints.find({ organisationId, enabled: true }).toArray();
  }

  findForDelivery(id: string): Promise<WebhookEndpointDocument | null> {
    return this.endpoints.findOne({ _id: id });
  }

  /** A failed attempt: starts the failure run unless one is running; returns the endpoint after. */
  async recordFailure(id: string, now: Date): Promise<WebhookEndpointDocument | null> {
    await this.endpoints.updateOne(
      { _id: id, failingSince: { $exists: false } },
      { $set: { failingSince: now } },
    );
    return this.endpoints.findOne({ _id: id });
  }

  /**
   * A delivery succeeded: clears `failingSince`, and moves `lastSuccessAt` when it is more than a
   * minute old (so a busy endpoint is not rewritten on every delivery: the filter matches nothing
   * and nothing is written).
   */
  async recordSuccess(id: string, now: Date): Promise<void> {
    await this.endpoints.updateOne(
      {
        _id: id,
        $or: [
          { failingSince: { $exists: true } },
          { lastSuccessAt: { $exists: false } },
          { lastSuccessAt: { $lt: new Date(now.getTime() - SUCCESS_STAMP_RESOLUTION_MS) } },
        ],
      },
      { $set: { lastSuccessAt: now }, $unset: { failingSince: '' } },
    );
  }

  /** Disables an enabled endpoint; the endpoint when this call disabled it, null when it already was. */
  async disable(id: string, reason: DisabledReason, now: Date): Promise<WebhookEndpointDocument | null> {
    return this.endpoints.findOneAndUpdate(
      { _id: id, enabled: true },
      { $set: { enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now } },
      { returnDocument: 'after' },
    );
  }
}
