import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { counter } from '@sp/observability';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';
import { predecessorsOf, type DeliveryChannel, type DeliveryStatus } from './domain/delivery-status';

export type { DeliveryChannel, DeliveryStatus } from './domain/delivery-status';

/** A report from a channel: where one notice got to for one target. */
export interface StatusReport {
  noticeId: string;
  /** The organisation the notification is for (its owner in the status list). */
  organisationId: string;
  referralId?: string;
  kind: string;
  channel: DeliveryChannel;
  /** A webhook endpoint id, 'contact-email', 'patient', a partner topic: never an address or number of a patient. */
  target: string;
  status: DeliveryStatus;
  /** Why it failed or was suppressed (a code or a short technical message; never patient data). */
  reason?: string;
  /** The provider's id for it (a Notify notification id), to match delivery receipts. */
  providerReference?: string;
}

interface StatusChange {
  status: DeliveryStatus;
  reason?: string;
  at: Date;
}

export interface NotificationStatusDocument extends Omit<StatusReport, 'reason' | 'providerReference'> {
  /** `${noticeId}|${channel}|${target}`. */
  _id: string;
  reason?: string;
  providerReference?: string;
  createdAt: Date;
  updatedAt: Date;
  /** The latest changes, oldest first (at most HISTORY_LIMIT). */
  history: StatusChange[];
}

export interface StatusQuery {
  organisationId?: string;
  channel?: DeliveryChannel;
  status?: DeliveryStatus;
  referralId?: string;
  kind?: string;
  /** Only those created before this position (the cursor: createdAt and id of the last one seen). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

const HISTORY_LIMIT = 20;

const reports = counter<'channel' | 'status'>({
  name: 'sp_notifications_total',
  help: 'Notification status changes recorded, by channel and status (queued, sent, delivered, failed, suppressed)',
  labelNames: ['channel', 'status'],
});

/**
 * The status of every notification on every channel: one entry per notice, channel and target,
 * moved forward by the channels as their jobs run (see domain/delivery-status.ts for the moves a
 * late or repeated report may not make). Organisations list their own; operations list all.
 */
@Injectable()
export class NotificationStatusRepository implements OnModuleInit {
  private readonly entries: Collection<NotificationStatusDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.entries = collectionOf<NotificationStatusDocument>(connection, 'notification_status');
  }

  async onModuleInit(): Promise<void> {
    await this.entries.createIndex(
      { organisationId: 1, createdAt: -1, _id: -1 },
      { name: 'by_organisation' },
    );
    await this.entries.createIndex({ createdAt: -1, _id: -1 }, { name: 'by_time' });
    await this.entries.createIndex({ referralId: 1 }, { name: 'by_referral' });
    await this.entries.createIndex(
      { channel: 1, providerReference: 1 },
      { name: 'by_provider_reference', partialFilterExpression: { providerReference: { $type: 'string' } } },
    );
  }

  /**
   * Records a status: creates the entry, or moves it when the move is allowed; a report that would
   * move it backwards (a late `queued`, a retry's `sent` after `delivered`) changes nothing.
   */
  async record(report: StatusReport): Promise<void> {
    const id = `${report.noticeId}|${report.channel}|${report.target}`;
    const now = new Date();
    const change: StatusChange = {
      status: report.status,
      at: now,
      ...(report.reason ? { reason: report.reason } : {}),
    };
    const entry: NotificationStatusDocument = {
      _id: id,
      noticeId: report.noticeId,
      organisationId: report.organisationId,
      ...(report.referralId ? { referralId: report.referralId } : {}),
      kind: report.kind,
      channel: report.channel,
      target: report.target,
      status: report.status,
      ...(report.reason ? { reason: report.reason } : {}),
      ...(report.providerReference ? { providerReference: report.providerReference } : {}),
      createdAt: now,
      updatedAt: now,
      history: [change],
    };
    // A channel's first report (queued, a suppression, the inbox's delivery) usually creates the
    // entry: insert first, one write. Later reports usually move it: update first. Either way a
    // report that would move it backwards changes nothing.
    const insertFirst =
      report.status === 'queued' || report.status === 'suppressed' || report.channel === 'inbox';
    const recorded = insertFirst
      ? (await insertOnce(this.entries, entry)) === 'created' || (await this.move(id, report, change))
      : (await this.move(id, report, change)) ||
        (await insertOnce(this.entries, entry)) === 'created' ||
        // created by another writer between the two: try the move once more
        (await this.move(id, report, change));
    if (recorded) reports.inc({ channel: report.channel, status: report.status });
  }

  /** Moves an existing entry to the report's status when the move is allowed; true when it did. */
  private async move(id: string, report: StatusReport, change: StatusChange): Promise<boolean> {
    const moved = await this.entries.updateOne(
      { _id: id, status: { $in: [...predecessorsOf(report.status)] } },
      {
        $set: {
          status: report.status,
          updatedAt: change.at,
          ...(report.reason ? { reason: report.reason } : {}),
          ...(report.providerReference ? { providerReference: report.providerReference } : {}),
        },
        ...(report.reason ? {} : { $unset: { reason: '' } }),
        $push: { history: { $each: [change], $slice: -HISTORY_LIMIT } },
      },
    );
    return moved.matchedCount > 0;
  }

  /** The entry a provider's receipt is about (its id for the notification), if any. */
  async findByProviderReference(
    channel: DeliveryChannel,
    providerReference: string,
  ): Promise<NotificationStatusDocument | null> {
    return this.entries.findOne({ channel, providerReference });
  }

  async findOne(
    noticeId: string,
    channel: DeliveryChannel,
    target: string,
  ): Promise<NotificationStatusDocument | null> {
    return this.entries.findOne({ _id: `${noticeId}|${channel}|${target}` });
  }

  /** Newest first, at most `limit`, after the cursor position. */
  async list(query: StatusQuery): Promise<NotificationStatusDocument[]> {
    const filter: Filter<NotificationStatusDocument> = {
      ...(query.organisationId ? { organisationId: query.organisationId } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.referralId ? { referralId: query.referralId } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.before
        ? {
            $or: [
              { createdAt: { $lt: query.before.createdAt } },
              { createdAt: query.before.createdAt, _id: { $lt: query.before.id } },
            ],
          }
        : {}),
    };
    return this.entries.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit).toArray();
  }
}
