// How a dead letter is written and read back. A dead letter is the original record (same key,
// same value, same headers) on `${topic}.dlq`, plus `dlq_*` headers saying where it came from and
// why it failed. Keeping the original bytes intact is what makes a faithful replay possible.
import { deadLetterTopicName } from '@sp/contracts';
import type { DeadLetterReason } from './retry-policy';

export const DLQ_HEADER_PREFIX = 'dlq_';
export const REPLAYED_FROM_HEADER = 'sp_replayed_from';

/** Longest error message kept in a header: enough to diagnose, small enough for any broker limit. */
export const MAX_ERROR_MESSAGE_LENGTH = 2_000;

export interface DeadLetterFailure {
  errorCode: string;
  errorMessage: string;
  reason: DeadLetterReason;
  attempts: number;
  consumerGroup: string;
  failedAt: Date;
}

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface OutgoingRecord {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface DeadLetterInfo {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  consumerGroup: string;
  errorCode: string;
  errorMessage: string;
  reason: string;
  failedAt: string;
  attempts: number;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The record to produce to the dead-letter topic for `source`. */
export function buildDeadLetterRecord(source: SourceRecord, failure: DeadLetterFailure): OutgoingRecord {
  return {
    topic: deadLetterTopicName(source.topic),
    key: source.key,
    value: source.value,
    headers: {
      ...withoutDeadLetterHeaders(source.headers),
      dlq_error_code: failure.errorCode,
      dlq_error_message: truncate(failure.errorMessage, MAX_ERROR_MESSAGE_LENGTH),
      dlq_reason: failure.reason,
      dlq_original_topic: source.topic,
      dlq_original_partition: String(source.partition),
      dlq_original_offset: source.offset,
      dlq_consumer_group: failure.consumerGroup,
      dlq_failed_at: failure.failedAt.toISOString(),
      dlq_attempts: String(failure.attempts),
    },
  };
}

/** Headers of the original record: a dead letter's headers minus everything this library added. */
export function withoutDeadLetterHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(DLQ_HEADER_PREFIX) && name !== REPLAYED_FROM_HEADER) out[name] = value;
  }
  return out;
}

/** Reads the dlq_* headers back; throws if the record is not one of our dead letters. */
export function parseDeadLetterHeaders(headers: Record<string, string>): DeadLetterInfo {
  const originalTopic = headers['dlq_original_topic'];
  const partition = Number(headers['dlq_original_partition']);
  const originalOffset = headers['dlq_original_offset'];
  if (originalTopic === undefined || !Number.isInteger(partition) || originalOffset === undefined) {
    throw new Error('not a dead letter: dlq_original_topic/partition/offset headers missing');
  }
  const attempts = Number(headers['dlq_attempts']);
  return {
    originalTopic,
    originalPartition: partition,
    originalOffset,
    consumerGroup: headers['dlq_consumer_group'] ?? '',
    errorCode: headers['dlq_error_code'] ?? '',
    errorMessage: headers['dlq_error_message'] ?? '',
    reason: headers['dlq_reason'] ?? '',
    failedAt: headers['dlq_failed_at'] ?? '',
    attempts: Number.isFinite(attempts) ? attempts : 0,
  };
}

/** The record a replay produces: the original, addressed to its original topic, marked as replayed. */
export function buildReplayRecord(dlq: {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}): OutgoingRecord {
  const info = parseDeadLetterHeaders(dlq.headers);
  return {
    topic: info.originalTopic,
    key: dlq.key,
    value: dlq.value,
    headers: {
      ...withoutDeadLetterHeaders(dlq.headers),
      [REPLAYED_FROM_HEADER]: `${dlq.topic}/${dlq.partition}/${dlq.offset}`,
    },
  };
}
