import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';

export interface InboxNotification {
  _id: string; // `${eventId}:${recipientOrganisationId}`: one notification per event and recipient
  recipientOrganisationId: string;
  /** The event name, e.g. 'referral.accepted'. */
  kind: string;
  referralId: string;
  occurredAt: string;
  deliveredAt: Date;
  correlationId: string;
}

/** The in-platform inbox: id-only notifications that tell an organisation to read a referral. */
@Injectable()
export class InboxRepository implements OnModuleInit {
  private readonly notifications: Collection<InboxNotification>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.notifications = collectionOf<InboxNotification>(connection, 'inbox');
  }

  async onModuleInit(): Promise<void> {
    await this.notifications.createIndex(
      { recipientOrganisationId: 1, deliveredAt: -1 },
      { name: 'by_recipient' },
    );
    await this.notifications.createIndex({ referralId: 1 }, { name: 'by_referral' });
  }

  /** Idempotent: delivering the same notification twice leaves one. */
  async deliver(notification: InboxNotification): Promise<'delivered' | 'already-delivered'> {
    return (await insertOnce(this.notifications, notification)) === 'created'
      ? 'delivered'
      : 'already-delivered';
  }

  /** Consent withdrawn: delete every notification about the referral except the kinds kept. */
  async redactReferral(referralId: string, keepKinds: string[]): Promise<number> {
    const result = await this.notifications.deleteMany({ referralId, kind: { $nin: keepKinds } });
    return result.deletedCount;
  }

  async forOrganisation(organisationId: string, limit: number): Promise<InboxNotification[]> {
    return this.notifications
      .find({ recipientOrganisationId: organisationId })
      .sort({ deliveredAt: -1 })
      .limit(limit)
      .toArray();
  }
}
