import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';

export interface InboxNotification {
  _id: string; // `${eventId}` : one notification per event and recipient organisation
  recipientOrganisationId: string;
  kind: 'referral.submitted';
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
  }

  /** Idempotent: delivering the same notification twice leaves one. */
  async deliver(notification: InboxNotification): Promise<'delivered' | 'already-delivered'> {
    return (await insertOnce(this.notifications, notification)) === 'created'
      ? 'delivered'
      : 'already-delivered';
  }

  async forOrganisation(organisationId: string, limit: number): Promise<InboxNotification[]> {
    return this.notifications
      .find({ recipientOrganisationId: organisationId })
      .sort({ deliveredAt: -1 })
      .limit(limit)
      .toArray();
  }
}
