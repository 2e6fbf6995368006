export { createKafka, parseBrokers } from './kafka-connection';
export type { KafkaConnection } from './kafka-connection';
export { ensureTopics, topicsWithDeadLetters } from './ensure-topics';
export type { EnsureTopicsOptions } from './ensure-topics';
export { EventPublisher, envelopeToRecord } from './event-publisher';
export type { EventPublisherOptions, PublishRecord } from './event-publisher';
export { KafkaEventTransport, AUTO_COMMIT_INTERVAL_MS } from './kafka-event-transport';
export type { EventContext, EventHandler, KafkaEventTransportOptions } from './kafka-event-transport';
export { EventExceptionPassthroughFilter } from './event-exception-passthrough';
export { DEFAULT_RETRY, backoffDelay, classifyFailure, decideRetry } from './retry-policy';
export type { DeadLetterReason, FailureInfo, RetryDecision, RetryOptions } from './retry-policy';
export { partitionLag, nextOffset } from './consumer-lag';
export type { PartitionPosition } from './consumer-lag';
export {
  OUTBOX_FIELD,
  OUTBOX_PENDING_FIELD,
  outboxEntriesFor,
  outboxEntryToRecord,
  outboxInsertFields,
  outboxUpdate,
} from './outbox-entry';
export type { OutboxEntriesOptions, OutboxEntry, OutboxInsertFields, UpdateOperators } from './outbox-entry';
export { OutboxRelay } from './outbox-relay';
export { PENDING_OUTBOX_FILTER } from './outbox-relay-queries';
export { RELAY_LEASES_COLLECTION } from './outbox-lease';
export type { OutboxRelayOptions } from './outbox-relay';
export { APPLIED_EVENT_IDS_FIELD, DEFAULT_KEEP_LAST, applyOnce } from './apply-once';
export type { ApplyOnceOptions, ApplyOutcome } from './apply-once';
export { DeadLetterAdmin, DLQ_SUFFIX } from './dead-letter-admin';
export type {
  DeadLetterAdminOptions,
  DeadLetterDetail,
  DeadLetterEntry,
  DeadLetterListOptions,
} from './dead-letter-admin';
export { REPLAYED_FROM_HEADER, buildDeadLetterRecord, parseDeadLetterHeaders } from './dead-letter-headers';
export type { DeadLetterInfo } from './dead-letter-headers';
export { eventMetaFromContext } from './event-meta';
export { saveWithEvents } from './save-with-events';
