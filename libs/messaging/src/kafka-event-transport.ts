// Nest custom transport that owns Kafka consumption for one consumer group.
//
// Handlers stay plain `@EventPattern('<CloudEvents type>')` controller methods (or are added with
// `addEventHandler` outside Nest). What this class adds over Nest's built-in Kafka server:
// - decoding and validation of every record against its contract (`fromKafkaRecord`);
// - per-partition order, several partitions in parallel (`partitionsConsumedConcurrently`);
// - one retry policy (retry-policy.ts) and a dead-letter topic, so a poison message never blocks
//   its partition; a message is only resolved after it was processed or dead-lettered;
// - heartbeats while handlers and backoffs run, so slow work does not get the member evicted;
// - a crash that kafkajs will not restart from takes the process down (`onFatal`), no zombies;
// - readiness (`isReady()`), lag / outcome / dead-letter metrics, correlation ids in logs.
//
// Offsets: kafkajs auto-commit is on. It commits the resolved offsets at the end of every batch,
// and inside a long batch we ask it to commit at most every `AUTO_COMMIT_INTERVAL_MS`. There is
// no count threshold on purpose: committing every N messages costs a broker round trip per N
// messages and was the main cost in the benchmark. A crash re-delivers at most the messages
// processed since the last commit (at most one batch or one second's worth); handlers are
// idempotent (applyOnce), so re-delivery is harmless.
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import {
  fromKafkaRecord,
  type ContractRegistry,
  type EventEnvelope,
  type TopicDefinition,
} from '@sp/contracts';
import { createLogger, newTraceparent, traceContext, type TraceContext } from '@sp/observability';
import type { Admin, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { isObservable, lastValueFrom } from 'rxjs';
import type { PartitionPosition } from './consumer-lag';
import { addLagSource, ConsumerMetrics, removeLagSource } from './consumer-metrics';
import { buildDeadLetterRecord } from './dead-letter-headers';
import { ensureTopics } from './ensure-topics';
import { EventPublisher } from './event-publisher';
import { createKafka, type KafkaConnection } from './kafka-connection';
import { decodeHeaders, headerValue } from './kafka-headers';
import {
  classifyFailure,
  DEFAULT_RETRY,
  decideRetry,
  validateRetryOptions,
  type FailureInfo,
  type RetryOptions,
} from './retry-policy';

/** Second argument of every handler (`@Ctx() ctx: EventContext` in a Nest controller). */
export interface EventContext {
  envelope: EventEnvelope;
  topic: string;
  partition: number;
  offset: string;
  /** 1 for the first attempt in this process, then 2, 3... while retrying. */
  deliveryAttempt: number;
  groupId: string;
}

export type EventHandler<T = unknown> = (data: T, ctx: EventContext) => unknown;

export interface KafkaEventTransportOptions {
  connection: KafkaConnection;
  groupId: string;
  registry: ContractRegistry;
  retry?: RetryOptions;
  /** Partitions processed in parallel (each one strictly in order). Default 3. */
  partitionsConsumedConcurrently?: number;
  logger?: Logger;
  /** Called when kafkajs gives up for good (CRASH with restart=false). Default: log fatal, exit(1). */
  onFatal?: (err: Error) => void;
  /** Where a group with no committed offset starts. Default true: a new group sees the retained history. */
  fromBeginning?: boolean;
  /** kafkajs session timeout; a member silent for longer is evicted. Default 30 s. */
  sessionTimeoutMs?: number;
  /** How often lag is refreshed from the broker on /metrics scrapes. Default 10 s. */
  lagRefreshIntervalMs?: number;
}

export const AUTO_COMMIT_INTERVAL_MS = 1_000;
/** Heartbeats and commit checks between messages are throttled to this period (both are no-ops when due later). */
const BETWEEN_MESSAGES_CHECK_MS = 500;
/** Longest sleep between two heartbeats while backing off. */
const BACKOFF_SLICE_MS = 1_000;

type TransportEvents = Record<string, (event: unknown) => void>;

/** The generic error Nest's default RPC exception filter turns every handler error into. */
function isNestGenericRpcError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || error instanceof Error) return false;
  const e = error as Record<string, unknown>;
  return e['status'] === 'error' && typeof e['message'] === 'string';
}

type MessageOutcome = 'processed' | 'dead-lettered' | 'ignored' | 'abandoned';

class RedeliverError extends Error {
  constructor(
    readonly failure: FailureInfo,
    cause: unknown,
  ) {
    super(`handler dependency unavailable, batch handed back to kafkajs: ${failure.message}`, { cause });
    this.name = 'RedeliverError';
  }
}

export class KafkaEventTransport extends Server<TransportEvents> implements CustomTransportStrategy {
  readonly groupId: string;
  private readonly opts: KafkaEventTransportOptions;
  private readonly retry: RetryOptions;
  private readonly log: Logger;
  private readonly metrics: ConsumerMetrics;
  private readonly publisher: EventPublisher;
  private readonly handlerCache = new Map<string, EventHandler | null>();
  private readonly positions = new Map<
    string,
    { topic: string; partition: number; position: PartitionPosition }
  >();
  private readonly pendingListeners: Array<[string, (event: unknown) => void]> = [];
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private topics: string[] = [];
  private ready = false;
  private crashed = false;
  private closing = false;
  private lastLagRefresh = 0;
  private warnedGenericError = false;
  private readonly lagSource = { groupId: '', lagPositions: () => this.lagPositions() };

  constructor(opts: KafkaEventTransportOptions) {
    super();
    this.opts = opts;
    this.groupId = opts.groupId;
    this.retry = validateRetryOptions(opts.retry ?? DEFAULT_RETRY);
    this.log = (opts.logger ?? createLogger('messaging')).child({ consumerGroup: opts.groupId });
    this.metrics = new ConsumerMetrics(opts.groupId);
    this.publisher = new EventPublisher(opts.connection, { logger: this.log });
    this.lagSource.groupId = opts.groupId;
  }

  /** Registers a handler without Nest (scripts, tests). Same effect as an `@EventPattern(type)` method. */
  addEventHandler<T = unknown>(type: string, handler: EventHandler<T>): void {
    const wrapped = async (data: T, ctx?: EventContext): Promise<unknown> =>
      handler(data, ctx as EventContext);
    this.addHandler(type, wrapped, true);
    this.handlerCache.clear();
  }

  /** Connected, group joined, not crashed. A transport with no handlers is ready once listening. */
  isReady(): boolean {
    return this.ready && !this.crashed && !this.closing;
  }

  /** Topics this transport consumes (known after `listen`). */
  subscribedTopics(): string[] {
    return [...this.topics];
  }

  async listen(callback: (err?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.ready = false;
    removeLagSource(this.lagSource);
    // kafkajs stops fetching, lets the batch in progress finish (our loop checks isRunning()
    // between messages), commits resolved offsets and leaves the group.
    await this.consumer?.disconnect();
    await this.admin?.disconnect().catch(() => undefined);
    await this.publisher.disconnect();
    this._status$.next('disconnected');
  }

  on<
    EventKey extends keyof TransportEvents = string,
    EventCallback extends TransportEvents[EventKey] = TransportEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    if (this.consumer !== undefined) this.attachListener(this.consumer, String(event), callback);
    else this.pendingListeners.push([String(event), callback]);
  }

  unwrap<T>(): T {
    if (this.consumer === undefined)
      throw new Error('KafkaEventTransport is not listening yet: call listen() first');
    return this.consumer as T;
  }

  /** Lag per assigned partition, as last observed (no broker round trip). */
  consumerLag(): Array<{ topic: string; partition: number; position: PartitionPosition }> {
    return [...this.positions.values()].map((p) => ({ ...p, position: { ...p.position } }));
  }

  private attachListener(consumer: Consumer, event: string, callback: (event: unknown) => void): void {
    const names = Object.values(consumer.events) as string[];
    if (!names.includes(event)) throw new Error(`unknown kafkajs consumer event "${event}"`);
    consumer.on(event as Consumer['events']['CRASH'], callback);
  }

  private topicDefinitions(): TopicDefinition[] {
    const byName = new Map<string, TopicDefinition>();
    for (const type of this.messageHandlers.keys()) {
      const contract = this.opts.registry.get(type);
      if (contract === undefined) {
        throw new Error(
          `@EventPattern('${type}') has no contract in the registry: check the CloudEvents type string`,
        );
      }
      byName.set(contract.topic.name, contract.topic);
    }
    return [...byName.values()];
  }

  private async start(): Promise<void> {
    this._status$.next('connecting');
    const definitions = this.topicDefinitions();
    this.topics = definitions.map((t) => t.name);
    if (this.topics.length === 0) {
      this.log.info('no event handlers registered: nothing to consume');
      this.ready = true;
      this._status$.next('connected');
      return;
    }
    // The DLQ twin must exist before the first dead letter; creating is idempotent.
    await ensureTopics(this.opts.connection, definitions, { logger: this.log });
    await this.publisher.connect();

    const kafka = createKafka(this.opts.connection, this.log);
    const consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    this.watch(consumer);
    for (const [event, callback] of this.pendingListeners.splice(0))
      this.attachListener(consumer, event, callback);

    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: this.opts.fromBeginning ?? true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: AUTO_COMMIT_INTERVAL_MS,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    addLagSource(this.lagSource);
    this.log.info({ topics: this.topics }, 'consumer running');
  }

  private watch(consumer: Consumer): void {
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, ({ payload }) => {
      this.ready = true;
      this.crashed = false;
      this._status$.next('connected');
      this.log.info(
        { memberAssignment: payload.memberAssignment, durationMs: payload.duration },
        'joined consumer group',
      );
    });
    consumer.on(CRASH, ({ payload }) => {
      this.ready = false;
      this.crashed = true;
      this._status$.next('crashed');
      if (payload.restart) {
        this.log.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
        return;
      }
      this.log.fatal({ err: payload.error }, 'consumer crashed and will not restart');
      const onFatal =
        this.opts.onFatal ??
        ((err: Error): void => {
          this.log.fatal(
            { err },
            'exiting: a consumer that stopped for good must not leave a live-looking process',
          );
          process.exit(1);
        });
      onFatal(payload.error);
    });
    const down = (): void => {
      this.ready = false;
    };
    consumer.on(STOP, down);
    consumer.on(DISCONNECT, down);
  }

  private handlerFor(type: string): EventHandler | null {
    let handler = this.handlerCache.get(type);
    if (handler === undefined) {
      handler = (this.getHandlerByPattern(type) as EventHandler | null) ?? null;
      this.handlerCache.set(type, handler);
    }
    return handler;
  }

  private track(topic: string, partition: number): PartitionPosition {
    const key = `${topic}:${partition}`;
    let entry = this.positions.get(key);
    if (entry === undefined) {
      entry = { topic, partition, position: { high: '0' } };
      this.positions.set(key, entry);
    }
    return entry.position;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const position = this.track(batch.topic, batch.partition);
    position.high = batch.highWatermark;
    let lastCheck = Date.now();
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) return;
      const outcome = await this.processMessage(batch.topic, batch.partition, message, payload);
      if (outcome === 'abandoned') return;
      payload.resolveOffset(message.offset);
      position.lastProcessed = message.offset;
      // Keep the membership alive and commit progress during long batches, without paying two
      // awaits per message (kafkajs commits everything resolved when the batch ends anyway).
      if (Date.now() - lastCheck >= BETWEEN_MESSAGES_CHECK_MS) {
        lastCheck = Date.now();
        await payload.heartbeat();
        await payload.commitOffsetsIfNecessary();
      }
    }
  }

  private async processMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    payload: EachBatchPayload,
  ): Promise<MessageOutcome> {
    // Cheap routing first: a type this group has no handler for is acknowledged without decoding.
    const type = headerValue(message.headers, 'ce_type');
    if (type !== undefined && this.opts.registry.get(type) !== undefined && this.handlerFor(type) === null) {
      this.metrics.message(topic, 'ignored');
      return 'ignored';
    }

    let envelope: EventEnvelope;
    try {
      envelope = fromKafkaRecord(
        { key: message.key, value: message.value, headers: message.headers },
        this.opts.registry,
      );
    } catch (error) {
      // A record that breaks its contract never becomes valid by retrying: dead-letter it now.
      await this.deadLetter(topic, partition, message, classifyFailure(error), 'contract-violation', 1);
      return 'dead-lettered';
    }

    const handler = this.handlerFor(envelope.type);
    if (handler === null) {
      this.metrics.message(topic, 'ignored');
      return 'ignored';
    }

    for (let attempt = 1; ; attempt += 1) {
      const ctx: EventContext = {
        envelope,
        topic,
        partition,
        offset: message.offset,
        deliveryAttempt: attempt,
        groupId: this.groupId,
      };
      const started = performance.now();
      try {
        await traceContext.run(handlerTraceContext(envelope), () => this.invoke(handler, envelope.data, ctx));
        this.metrics.handlerSeconds(envelope.type, (performance.now() - started) / 1_000);
        this.metrics.message(topic, 'processed');
        return 'processed';
      } catch (error) {
        this.metrics.handlerSeconds(envelope.type, (performance.now() - started) / 1_000);
        const failure = this.describeFailure(error);
        const decision = decideRetry(failure, attempt, this.retry);
        const logFields = {
          eventId: envelope.id,
          type: envelope.type,
          topic,
          partition,
          offset: message.offset,
          attempt,
          code: failure.code,
        };
        if (decision.action === 'retry') {
          this.metrics.retry(topic);
          this.log.warn(
            { ...logFields, err: error, retryInMs: decision.delayMs },
            'event handler failed; retrying',
          );
          if (!(await this.backoff(decision.delayMs, payload))) return 'abandoned';
          continue;
        }
        if (decision.action === 'redeliver') {
          this.log.error(
            { ...logFields, err: error },
            'event handler dependency unavailable; handing the batch back to kafkajs',
          );
          throw new RedeliverError(failure, error);
        }
        await this.deadLetter(topic, partition, message, failure, decision.reason, attempt);
        return 'dead-lettered';
      }
    }
  }

  /** Calls a Nest (or plain) handler; Nest returns errors as an erroring Observable. */
  private async invoke(handler: EventHandler, data: unknown, ctx: EventContext): Promise<void> {
    const result = await handler(data, ctx);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  private describeFailure(error: unknown): FailureInfo {
    if (isNestGenericRpcError(error) && !this.warnedGenericError) {
      this.warnedGenericError = true;
      this.log.warn(
        'handler errors reach the transport as Nest\'s generic "Internal server error": register EventExceptionPassthroughFilter ' +
          'on the microservice so error codes and the retriable flag drive the retry policy',
      );
    }
    return classifyFailure(error);
  }

  /** Sleeps `delayMs` in slices, heartbeating; false if the partition was revoked or the consumer stops. */
  private async backoff(delayMs: number, payload: EachBatchPayload): Promise<boolean> {
    const until = Date.now() + delayMs;
    for (;;) {
      if (!payload.isRunning() || payload.isStale()) return false;
      const remaining = until - Date.now();
      if (remaining <= 0) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(remaining, BACKOFF_SLICE_MS)));
      await payload.heartbeat();
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    failure: FailureInfo,
    reason: 'contract-violation' | 'non-retriable' | 'attempts-exhausted',
    attempts: number,
  ): Promise<void> {
    const record = buildDeadLetterRecord(
      {
        topic,
        partition,
        offset: message.offset,
        key: message.key === null ? null : message.key.toString('utf8'),
        value: message.value,
        headers: decodeHeaders(message.headers),
      },
      {
        errorCode: failure.code,
        errorMessage: failure.message,
        reason,
        attempts,
        consumerGroup: this.groupId,
        failedAt: new Date(),
      },
    );
    // If this throws, the message stays unresolved and kafkajs retries the batch: never lost.
    await this.publisher.publish([record]);
    this.metrics.deadLetter(topic, reason);
    this.metrics.message(topic, 'dead_lettered');
    this.log.error(
      {
        topic,
        partition,
        offset: message.offset,
        dlqTopic: record.topic,
        code: failure.code,
        reason,
        attempts,
        error: failure.message,
      },
      'message dead-lettered',
    );
  }

  /** Positions for the lag gauge: refreshed from the broker at most every `lagRefreshIntervalMs`. */
  private async lagPositions(): Promise<
    Array<{ topic: string; partition: number; position: PartitionPosition }>
  > {
    const interval = this.opts.lagRefreshIntervalMs ?? 10_000;
    if (this.consumer !== undefined && !this.closing && Date.now() - this.lastLagRefresh >= interval) {
      this.lastLagRefresh = Date.now();
      await withTimeout(this.refreshFromBroker(), 2_000).catch((error: unknown) => {
        this.log.debug({ err: error }, 'lag refresh from broker failed; reporting last known positions');
      });
    }
    return this.consumerLag();
  }

  private async refreshFromBroker(): Promise<void> {
    if (this.admin === undefined) {
      this.admin = createKafka(this.opts.connection, this.log, { retries: 1 }).admin();
      await this.admin.connect();
    }
    const admin = this.admin;
    const committed = await admin.fetchOffsets({ groupId: this.groupId, topics: this.topics });
    for (const topic of this.topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const groupOffsets = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const o of offsets) {
        const position = this.track(topic, o.partition);
        position.high = o.high;
        position.low = o.low;
        position.committed = groupOffsets.find((g) => g.partition === o.partition)?.offset ?? '-1';
      }
    }
  }
}

/**
 * The handler's trace context: correlation id from the envelope, causation id = the event id, and
 * a new span under the producer's trace. The span id is made on first read (a log line, an
 * outgoing event): drawing random bytes for every message halved consumer throughput in the
 * benchmark, for a value most handlers never read. Read twice, it is the same value.
 */
export function handlerTraceContext(
  envelope: Pick<EventEnvelope, 'correlationid' | 'id' | 'traceparent'>,
): TraceContext {
  let traceparent: string | undefined;
  return {
    correlationId: envelope.correlationid,
    causationId: envelope.id,
    get traceparent(): string {
      traceparent ??= newTraceparent(envelope.traceparent);
      return traceparent;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
