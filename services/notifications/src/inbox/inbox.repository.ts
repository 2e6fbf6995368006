import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';
import type { InboxCursor } from './domain/inbox-cursor';
import type { InboxViewer } from './domain/inbox-viewer';

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
  /** Set once, by the first acknowledgement (see domain/inbox-viewer.ts for who may). */
  acknowledgedAt?: Date;
  /** The person's subject or the API client id that acknowledged it (staff, never patient data). */
  acknowledgedBy?: string;
}

export interface InboxPageQuery {
  viewer: InboxViewer;
  limit: number;
  /** Only notices delivered before this position (the previous page's last one). */
  after?: InboxCursor;
  unacknowledgedOnly?: boolean;
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
    // Cursor pages: newest first, the id breaking ties between notices delivered in the same ms.
    await this.notifications.createIndex(
      { recipientOrganisationId: 1, deliveredAt: -1, _id: -1 },
      { name: 'by_recipient_cursor' },
    );
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

  /** One page of what the viewer may see, newest first (deliveredAt, then id, descending). */
  async page(query: InboxPageQuery): Promise<InboxNotification[]> {
    const and: Filter<InboxNotification>[] = [visibleTo(query.viewer)];
    if (query.after) {
      const { deliveredAt, id } = query.after;
      and.push({ $or: [{ deliveredAt: { $lt: deliveredAt } }, { deliveredAt, _id: { $lt: id } }] });
    }
    if (query.unacknowledgedOnly) and.push({ acknowledgedAt: { $exists: false } });
    return this.notifications
      .find({ $and: and })
      .sort({ deliveredAt: -1, _id: -1 })
      .limit(query.limit)
      .toArray();
  }

  /**
   * Acknowledges the given notices for the viewer, all or none: when one of them is not the
   * viewer's to see (another organisation's, a colleague's, or no such id) nothing changes and the
   * missing ids are returned. A notice acknowledged before keeps its first acknowledgement.
   */
  async acknowledge(
    viewer: InboxViewer,
    ids: readonly string[],
    by: string,
    at: Date,
  ): Promise<{ missing: string[] } | { notices: InboxNotification[] }> {
    const unique = [...new Set(ids)];
    const visible = { $and: [visibleTo(viewer), { _id: { $in: unique } }] } as Filter<InboxNotification>;
    const found = new Set(
      (await this.notifications.find(visible, { projection: { _id: 1 } }).toArray()).map((n) => n._id),
    );
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) return { missing };
    await this.notifications.updateMany(
      { $and: [visible, { acknowledgedAt: { $exists: false } }] } as Filter<InboxNotification>,
      { $set: { acknowledgedAt: at, acknowledgedBy: by } },
    );
    const notices = await this.notifications.find(visible).toArray();
    const order = new Map(unique.map((id, i) => [id, i]));
    return { notices: notices.sort((a, b) => (order.get(a._id) ?? 0) - (order.get(b._id) ?? 0)) };
  }
}

/** The query form of domain/inbox-viewer.ts canSee. */
function visibleTo(viewer: InboxViewer): Filter<InboxNotification> {
  return viewer.personSub === undefined
    ? { recipientOrganisationId: viewer.organisationId }
    : {
        recipientOrganisationId: viewer.organisationId,
        $or: [{ recipientPersonSub: { $exists: false } }, { recipientPersonSub: viewer.personSub }],
      };
}
