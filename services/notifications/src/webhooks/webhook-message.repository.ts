import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';
import type { ServiceConfig } from '../service.config';

export type MessageStatus = 'pending' | 'delivered' | 'failed';
export type AttemptStatus = 'succeeded' | 'failed';

/** One notice for one endpoint (collection webhook_messages): `_id` is the webhook-id. */
export interface WebhookMessageDocument {
  _id: string;
  endpointId: string;
  organisationId: string;
  noticeId: string;
  kind: string;
  referralId: string;
  /** The exact JSON body signed and sent (the same on every attempt). */
  body: string;
  status: MessageStatus;
  /** Attempts made so far (all deliveries and replays). */
  attempts: number;
  replays: number;
  failureReason?: string;
  lastAttemptAt?: Date;
  nextAttemptAt?: Date;
  deliveredAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** One HTTP attempt (collection webhook_attempts). */
export interface WebhookAttemptDocument {
  _id: string;
  endpointId: string;
  organisationId: string;
  messageId: string;
  attempt: number;
  at: Date;
  latencyMs: number;
  status: AttemptStatus;
  responseStatus?: number;
  /** Why it failed without a response (timeout, connection refused, refused target). */
  error?: string;
  nextAttemptAt?: Date;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

interface Position {
  at: Date;
  id: string;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.at.toISOString(), p.id]), 'utf8').toString('base64url');
}

/** The position a cursor stands for, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): Position | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) return undefined;
    return { at: new Date(at), id };
  } catch {
    return undefined;
  }
}

function before<T>(field: string, position: Position | undefined): Filter<T> {
  if (!position) return {};
  return {
    $or: [{ [field]: { $lt: position.at } }, { [field]: position.at, _id: { $lt: position.id } }],
  } as Filter<T>;
}

/** Webhook messages and their attempts, kept WEBHOOK_RETENTION_DAYS for listing and replay. */
@Injectable()
export class WebhookMessageRepository implements OnModuleInit {
  private readonly messages: Collection<WebhookMessageDocument>;
  private readonly attempts: Collection<WebhookAttemptDocument>;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<ServiceConfig, 'WEBHOOK_RETENTION_DAYS'>,
  ) {
    this.messages = collectionOf<WebhookMessageDocument>(connection, 'webhook_messages');
    this.attempts = collectionOf<WebhookAttemptDocument>(connection, 'webhook_attempts');
  }

  async onModuleInit(): Promise<void> {
    const ttl = this.config.WEBHOOK_RETENTION_DAYS * 24 * 3600;
    await this.messages.createIndex({ endpointId: 1, createdAt: -1, _id: -1 }, { name: 'by_endpoint' });
    await this.messages.createIndex({ createdAt: 1 }, { name: 'retention', expireAfterSeconds: ttl });
    await this.attempts.createIndex({ endpointId: 1, at: -1, _id: -1 }, { name: 'by_endpoint' });
    await this.attempts.createIndex({ at: 1 }, { name: 'retention', expireAfterSeconds: ttl });
  }

  /** Creates the message unless it exists (a redelivered notice): 'created' or 'exists'. */
  create(message: WebhookMessageDocument): Promise<'created' | 'exists'> {
    return insertOnce(this.messages, message);
  }

  find(id: string): Promise<WebhookMessageDocument | null> {
    return this.messages.findOne({ _id: id });
  }

  findForEndpoint(endpointId: string, id: string): Promise<WebhookMessageDocument | null> {
    return this.messages.findOne({ _id: id, endpointId });
  }

  /** Counts an attempt starting; returns its number (1 for the first). */
  async startAttempt(id: string, now: Date): Promise<number> {
    const after = await this.messages.findOneAndUpdate(
      { _id: id },
      { $inc: { attempts: 1 }, $set: { lastAttemptAt: now, updatedAt: now } },
      { returnDocument: 'after' },
    );
    return after?.attempts ?? 1;
  }

  async recordAttempt(attempt: WebhookAttemptDocument): Promise<void> {
    await insertOnce(this.attempts, attempt);
  }

  async markDelivered(id: string, now: Date): Promise<void> {
    await this.messages.updateOne(
      { _id: id },
      {
        $set: { status: 'delivered', deliveredAt: now, updatedAt: now },
        $unset: { nextAttemptAt: '', failureReason: '' },
      },
    );
  }

  async markRetrying(id: string, nextAttemptAt: Date, now: Date): Promise<void> {
    await this.messages.updateOne(
      { _id: id, status: { $ne: 'delivered' } },
      { $set: { status: 'pending', nextAttemptAt, updatedAt: now } },
    );
  }

  async markFailed(id: string, reason: string, now: Date): Promise<void> {
    await this.messages.updateOne(
      { _id: id, status: { $ne: 'delivered' } },
      { $set: { status: 'failed', failureReason: reason, updatedAt: now }, $unset: { nextAttemptAt: '' } },
    );
  }

  /** Marks the message pending again for a replay; returns the replay's number. */
  async startReplay(endpointId: string, id: string, now: Date): Promise<number | undefined> {
    const after = await this.messages.findOneAndUpdate(
      { _id: id, endpointId },
      {
        $inc: { replays: 1 },
        $set: { status: 'pending', updatedAt: now },
        $unset: { failureReason: '', nextAttemptAt: '' },
      },
      { returnDocument: 'after' },
    );
    return after?.replays;
  }

  /** Ids of the endpoint's failed messages created since `since`, oldest first. */
  async failedSince(endpointId: string, since: Date, limit: number): Promise<string[]> {
    const found = await this.messages
      .find({ endpointId, status: 'failed', createdAt: { $gte: since } }, { projection: { _id: 1 } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return found.map((m) => m._id);
  }

  async listMessages(
    endpointId: string,
    query: { status?: MessageStatus; cursor?: Position; limit: number },
  ): Promise<Page<WebhookMessageDocument>> {
    const items = await this.messages
      .find({
        endpointId,
        ...(query.status ? { status: query.status } : {}),
        ...before('createdAt', query.cursor),
      })
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .toArray();
    return page(items, query.limit, (m) => ({ at: m.createdAt, id: m._id }));
  }

  async listAttempts(
    endpointId: string,
    query: { status?: AttemptStatus; messageId?: string; cursor?: Position; limit: number },
  ): Promise<Page<WebhookAttemptDocument>> {
    const items = await this.attempts
      .find({
        endpointId,
        ...(query.status ? { status: query.status } : {}),
        ...(query.messageId ? { messageId: query.messageId } : {}),
        ...before('at', query.cursor),
      })
      .sort({ at: -1, _id: -1 })
      .limit(query.limit + 1)
      .toArray();
    return page(items, query.limit, (a) => ({ at: a.at, id: a._id }));
  }

  async deleteForEndpoint(endpointId: string): Promise<void> {
    await Promise.all([this.messages.deleteMany({ endpointId }), this.attempts.deleteMany({ endpointId })]);
  }
}

function page<T>(items: T[], limit: number, position: (item: T) => Position): Page<T> {
  if (items.length <= limit) return { items };
  const kept = items.slice(0, limit);
  return { items: kept, nextCursor: encodeCursor(position(kept[kept.length - 1]!)) };
}
