import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';

export interface InboxNotification {
  /** `${eventId}:${recipientOrganisationId}[:${recipientPersonSub}]`: one per event and recipient. */
  _id: string;
  recipientOrganisationId: string;
  /** Addressed to one person of the organisation (their identity provider subject); else to all. */
  recipientPersonSub?: string;
  /** Codes of an assignment notice: what happened (assigned, reassigned) and the coded reason. */
  action?: string;
  reasonCode?: string;
  /** The event name, e.g. 'referral.accepted'. */
  kind: string;
  referralId: string;
  occurredAt: string;
  deliveredAt: Date;
  correlationId: string;
}

/** A referral whose consent was withdrawn: only the kinds kept may stay in (or enter) the inbox. */
interface RedactedReferral {
  _id: string; // referral id
  keepKinds: string[];
  redactedAt: Date;
}

export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'redacted';

/** The in-platform inbox: id-only notifications that tell an organisation to read a referral. */
@Injectable()
export class InboxRepository implements OnModuleInit {
  private readonly notifications: Collection<InboxNotification>;
  private readonly redactions: Collection<RedactedReferral>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.notifications = collectionOf<InboxNotification>(connection, 'inbox');
    this.redactions = collectionOf<RedactedReferral>(connection, 'redacted_referrals');
  }

  async onModuleInit(): Promise<void> {
    await this.notifications.createIndex(
      { recipientOrganisationId: 1, deliveredAt: -1 },
      { name: 'by_recipient' },
    );
    await this.notifications.createIndex({ referralId: 1 }, { name: 'by_referral' });
  }

  /**
   * Idempotent: delivering the same notification twice leaves one. A delivery job may run after
   * the referral was redacted (jobs run apart from the consumer, and retry), so the insert is
   * followed by a look at the referral's redaction marker. Together with redactReferral (marker
   * first, then delete) one of the two always sees the other: a notification inserted before the
   * delete is deleted by it, one inserted after the marker exists is deleted here.
   */
  async deliver(notification: InboxNotification): Promise<DeliveryOutcome> {
    if ((await insertOnce(this.notifications, notification)) === 'exists') return 'already-delivered';
    const redaction = await this.redactions.findOne({ _id: notification.referralId });
    if (redaction && !redaction.keepKinds.includes(notification.kind)) {
      await this.notifications.deleteOne({ _id: notification._id });
      return 'redacted';
    }
    return 'delivered';
  }

  /** Consent withdrawn: delete every notification about the referral except the kinds kept, now and later. */
  async redactReferral(referralId: string, keepKinds: string[]): Promise<number> {
    await this.redactions.updateOne(
      { _id: referralId },
      { $setOnInsert: { keepKinds, redactedAt: new Date() } },
      { upsert: true },
    );
    const result = await this.notifications.deleteMany({ referralId, kind: { $nin: keepKinds } });
    return result.deletedCount;
  }

  /**
   * The organisation's notifications, newest first. For a person (`personSub`): those addressed to
   * the whole organisation and those addressed to them, never another person's. Without a person
   * (the organisation's own system): all of them, each saying whom it is for.
   */
  async forOrganisation(
    organisationId: string,
    limit: number,
    personSub?: string,
  ): Promise<InboxNotification[]> {
    const filter: Filter<InboxNotification> =
      personSub === undefined
        ? { recipientOrganisationId: organisationId }
        : {
            recipientOrganisationId: organisationId,
            // Absent (the whole organisation) or this person.
            $or: [{ recipientPersonSub: { $exists: false } }, { recipientPersonSub: personSub }],
          };
    return this.notifications.find(filter).sort({ deliveredAt: -1 }).limit(limit).toArray();
  }
}
