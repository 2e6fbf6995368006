// Operations on dead-letter topics: list, inspect and replay. Framework-free: the ops HTTP
// endpoints (service-kit) and the dlq CLI both use this class.
//
// Reading uses a short-lived consumer in a random, throw-away group (deleted afterwards) that
// reads each partition from a start offset up to the high watermark taken before reading, so a
// call always terminates even while new dead letters arrive.
import { randomUUID } from 'node:crypto';
import { fromKafkaRecord, type ContractRegistry } from '@sp/contracts';
import { DomainError } from '@sp/errors';
import { createLogger } from '@sp/observability';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import {
  buildReplayRecord,
  parseDeadLetterHeaders,
  withoutDeadLetterHeaders,
  type DeadLetterInfo,
} from './dead-letter-headers';
import { EventPublisher } from './event-publisher';
import { createKafka, type KafkaConnection } from './kafka-connection';
import { decodeHeaders } from './kafka-headers';

export const DLQ_SUFFIX = '.dlq';

/** One dead letter: where it sits, why it failed (the dlq_* headers) and what it was. */
export interface DeadLetterEntry extends DeadLetterInfo {
  dlqTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  eventType: string | null;
  eventId: string | null;
}

export interface DeadLetterDetail extends DeadLetterEntry {
  /** Every header, dlq_* included. */
  headers: Record<string, string>;
  /** Headers the record had on its original topic (what a replay sends). */
  originalHeaders: Record<string, string>;
  /** The value parsed as JSON, or the raw text when it is not JSON, or null for an empty value. */
  payload: unknown;
  /** Whether the record passes its contract today (only when a registry was given). */
  contract?: { valid: true } | { valid: false; code: string; message: string };
}

export interface DeadLetterListOptions {
  /** One dead-letter topic (`x.dlq`) or its source topic (`x`); default: every `.dlq` topic. */
  topic?: string;
  /** At most this many entries, oldest first. Default 100. */
  limit?: number;
}

export interface DeadLetterAdminOptions {
  logger?: Logger;
  /** Bound on one read of the topics. Default 30 s. */
  readTimeoutMs?: number;
}

interface RangeToRead {
  topic: string;
  partition: number;
  /** First offset to read. */
  from: number;
  /** High watermark: read up to, not including, this offset. */
  to: number;
}

interface RawRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

function notFound(what: string): DomainError {
  return new DomainError('DEAD_LETTER.NOT_FOUND', what, { status: 404 });
}

function parsePayload(value: Buffer | null): unknown {
  if (value === null) return null;
  const text = value.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class DeadLetterAdmin {
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly readTimeoutMs: number;
  private publisher: EventPublisher | undefined;

  constructor(
    private readonly conn: KafkaConnection,
    private readonly registry?: ContractRegistry,
    opts: DeadLetterAdminOptions = {},
  ) {
    this.logger = opts.logger ?? createLogger('messaging');
    this.readTimeoutMs = opts.readTimeoutMs ?? 30_000;
    this.kafka = createKafka(conn, this.logger, { retries: 3 });
  }

  /** Dead letters, oldest first per partition, across every `.dlq` topic or one of them. */
  async list(opts: DeadLetterListOptions = {}): Promise<DeadLetterEntry[]> {
    const limit = opts.limit ?? 100;
    const ranges = await this.withAdmin(async (admin) => {
      const all = (await admin.listTopics()).filter((t) => t.endsWith(DLQ_SUFFIX));
      const wanted =
        opts.topic === undefined
          ? all
          : all.filter((t) => t === opts.topic || t === `${opts.topic}${DLQ_SUFFIX}`);
      const out: RangeToRead[] = [];
      for (const topic of wanted.sort()) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const from = Number(p.low);
          const to = Number(p.high);
          if (to > from) out.push({ topic, partition: p.partition, from, to });
        }
      }
      return out;
    });
    const records = await this.read(ranges, limit);
    return records.map((r) => this.toEntry(r));
  }

  /** One dead letter with its headers and payload. DomainError DEAD_LETTER.NOT_FOUND (404) if absent. */
  async inspect(dlqTopic: string, partition: number, offset: string | number): Promise<DeadLetterDetail> {
    const record = await this.fetchOne(dlqTopic, partition, String(offset));
    const entry = this.toEntry(record);
    const headers = decodeHeaders(record.message.headers);
    const originalHeaders = withoutDeadLetterHeaders(headers);
    const detail: DeadLetterDetail = {
      ...entry,
      headers,
      originalHeaders,
      payload: parsePayload(record.message.value),
    };
    if (this.registry !== undefined) {
      try {
        fromKafkaRecord(
          { key: record.message.key, value: record.message.value, headers: originalHeaders },
          this.registry,
        );
        detail.contract = { valid: true };
      } catch (error) {
        const code =
          typeof (error as { code?: unknown }).code === 'string'
            ? String((error as { code: string }).code)
            : 'UNKNOWN';
        detail.contract = {
          valid: false,
          code,
          message: error instanceof Error ? error.message : String(error),
        };
      }
    }
    return detail;
  }

  /**
   * Re-produces the original record (same key, value and headers, without dlq_* headers, plus
   * `sp_replayed_from`) to its original topic. Every group consuming that topic receives it again;
   * groups that had processed it dedupe by event id.
   */
  async replay(
    dlqTopic: string,
    partition: number,
    offset: string | number,
  ): Promise<{ republishedTo: string }> {
    const record = await this.fetchOne(dlqTopic, partition, String(offset));
    const replay = buildReplayRecord({
      topic: record.topic,
      partition: record.partition,
      offset: record.message.offset,
      key: record.message.key === null ? null : record.message.key.toString('utf8'),
      value: record.message.value,
      headers: decodeHeaders(record.message.headers),
    });
    if (this.publisher === undefined) this.publisher = new EventPublisher(this.conn, { logger: this.logger });
    await this.publisher.publish([replay]);
    this.logger.info(
      { dlqTopic, partition, offset: record.message.offset, republishedTo: replay.topic },
      'dead letter replayed',
    );
    return { republishedTo: replay.topic };
  }

  /** Releases the replay producer. Reads hold no connection between calls. */
  async close(): Promise<void> {
    await this.publisher?.disconnect();
    this.publisher = undefined;
  }

  private toEntry(r: RawRecord): DeadLetterEntry {
    const headers = decodeHeaders(r.message.headers);
    let info;
    try {
      info = parseDeadLetterHeaders(headers);
    } catch {
      // Something else was written to the DLQ topic: list it rather than hide it.
      info = {
        originalTopic: '',
        originalPartition: -1,
        originalOffset: '',
        consumerGroup: '',
        errorCode: 'DEAD_LETTER.MALFORMED',
        errorMessage: 'record has no dlq_* headers',
        reason: '',
        failedAt: '',
        attempts: 0,
      };
    }
    return {
      dlqTopic: r.topic,
      partition: r.partition,
      offset: r.message.offset,
      key: r.message.key === null ? null : r.message.key.toString('utf8'),
      ...info,
      eventType: headers['ce_type'] ?? null,
      eventId: headers['ce_id'] ?? null,
    };
  }

  private async fetchOne(dlqTopic: string, partition: number, offset: string): Promise<RawRecord> {
    if (!dlqTopic.endsWith(DLQ_SUFFIX))
      throw new DomainError(
        'VALIDATION.FAILED',
        `"${dlqTopic}" is not a dead-letter topic (it must end with ${DLQ_SUFFIX})`,
        { status: 400 },
      );
    const target = Number(offset);
    if (!Number.isInteger(target) || target < 0 || !Number.isInteger(partition) || partition < 0) {
      throw new DomainError('VALIDATION.FAILED', `invalid partition/offset ${partition}/${offset}`, {
        status: 400,
      });
    }
    const range = await this.withAdmin(async (admin) => {
      if (!(await admin.listTopics()).includes(dlqTopic)) throw notFound(`no topic ${dlqTopic}`);
      const p = (await admin.fetchTopicOffsets(dlqTopic)).find((o) => o.partition === partition);
      if (p === undefined) throw notFound(`${dlqTopic} has no partition ${partition}`);
      if (target < Number(p.low) || target >= Number(p.high))
        throw notFound(`no record at ${dlqTopic}/${partition}/${offset}`);
      return { topic: dlqTopic, partition, from: target, to: target + 1 };
    });
    const [record] = await this.read([range], 1);
    if (record === undefined || record.message.offset !== String(target))
      throw notFound(`no record at ${dlqTopic}/${partition}/${offset}`);
    return record;
  }

  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /** Reads every range (offset order within a partition), stopping early once `limit` records are in. */
  private async read(ranges: RangeToRead[], limit: number): Promise<RawRecord[]> {
    if (ranges.length === 0 || limit <= 0) return [];
    const groupId = `sp-dlq-admin-${randomUUID()}`;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    const pending = new Map(ranges.map((r) => [`${r.topic}:${r.partition}`, r]));
    const records: RawRecord[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))], fromBeginning: true });
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading dead letters timed out after ${this.readTimeoutMs} ms`)),
          this.readTimeoutMs,
        );
        const finish = (): void => {
          clearTimeout(timer);
          resolve();
        };
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          clearTimeout(timer);
          reject(payload.error);
        });
        void consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const key = `${batch.topic}:${batch.partition}`;
              const range = pending.get(key);
              if (range === undefined) return;
              for (const message of batch.messages) {
                const offset = Number(message.offset);
                if (offset < range.from) continue;
                if (offset >= range.to) break;
                if (records.length < limit)
                  records.push({ topic: batch.topic, partition: batch.partition, message });
              }
              if (Number(batch.lastOffset()) >= range.to - 1) pending.delete(key);
              if (pending.size === 0 || records.length >= limit) finish();
            },
          })
          .then(() => {
            for (const r of ranges)
              consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.from) });
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error);
          });
      });
      await done;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await this.withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => undefined);
    }
    return records.sort((a, b) =>
      a.topic === b.topic
        ? a.partition - b.partition || Number(a.message.offset) - Number(b.message.offset)
        : a.topic < b.topic
          ? -1
          : 1,
    );
  }
}
