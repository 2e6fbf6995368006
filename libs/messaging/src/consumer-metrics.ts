// Prometheus metrics of consumers, in the process-wide registry of @sp/observability (served at
// GET /metrics by service-kit). Label children are cached: the hot path does no label hashing.
import { counter, gauge, histogram } from '@sp/observability';
import type { Counter, Histogram } from 'prom-client';
import { partitionLag, type PartitionPosition } from './consumer-lag';

export type MessageOutcome = 'processed' | 'dead_lettered' | 'ignored';

const messagesTotal = (): Counter<'group' | 'topic' | 'outcome'> =>
  counter({
    name: 'sp_consumer_messages_total',
    help: 'Messages finished by consumers, by outcome (processed, dead_lettered, ignored = no handler for the type in this group)',
    labelNames: ['group', 'topic', 'outcome'],
  });

const retriesTotal = (): Counter<'group' | 'topic'> =>
  counter({
    name: 'sp_consumer_retries_total',
    help: 'Handler attempts that failed and were retried after a backoff',
    labelNames: ['group', 'topic'],
  });

const deadLettersTotal = (): Counter<'group' | 'topic' | 'reason'> =>
  counter({
    name: 'sp_dead_letters_total',
    help: 'Messages written to a dead-letter topic, by reason (contract-violation, non-retriable, attempts-exhausted)',
    labelNames: ['group', 'topic', 'reason'],
  });

const handlerDuration = (): Histogram<'group' | 'type'> =>
  histogram({
    name: 'sp_consumer_handler_duration_seconds',
    help: 'Time spent in event handlers per attempt, by consumer group and event type',
    labelNames: ['group', 'type'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

/** Something that can report the lag of its partitions when /metrics is scraped. */
export interface LagSource {
  groupId: string;
  lagPositions(): Promise<Array<{ topic: string; partition: number; position: PartitionPosition }>>;
}

const lagSources = new Set<LagSource>();
let lagGaugeRegistered = false;

function registerLagGauge(): void {
  if (lagGaugeRegistered) return;
  lagGaugeRegistered = true;
  gauge<'group' | 'topic' | 'partition'>({
    name: 'sp_consumer_lag',
    help: 'Records of a partition not yet processed by the consumer group (high watermark minus next offset to process)',
    labelNames: ['group', 'topic', 'partition'],
    async collect() {
      this.reset();
      for (const source of lagSources) {
        const positions = await source.lagPositions().catch(() => []);
        for (const { topic, partition, position } of positions) {
          this.set({ group: source.groupId, topic, partition: String(partition) }, partitionLag(position));
        }
      }
    },
  });
}

export function addLagSource(source: LagSource): void {
  registerLagGauge();
  lagSources.add(source);
}

export function removeLagSource(source: LagSource): void {
  lagSources.delete(source);
}

export class ConsumerMetrics {
  private readonly messages = messagesTotal();
  private readonly retries = retriesTotal();
  private readonly deadLetters = deadLettersTotal();
  private readonly duration = handlerDuration();
  private readonly children = new Map<string, { inc(n?: number): void }>();
  private readonly timers = new Map<string, { observe(v: number): void }>();

  constructor(private readonly groupId: string) {}

  private child(key: string, make: () => { inc(n?: number): void }): { inc(n?: number): void } {
    let c = this.children.get(key);
    if (c === undefined) {
      c = make();
      this.children.set(key, c);
    }
    return c;
  }

  message(topic: string, outcome: MessageOutcome): void {
    this.child(`m|${topic}|${outcome}`, () => this.messages.labels(this.groupId, topic, outcome)).inc();
  }

  retry(topic: string): void {
    this.child(`r|${topic}`, () => this.retries.labels(this.groupId, topic)).inc();
  }

  deadLetter(topic: string, reason: string): void {
    this.child(`d|${topic}|${reason}`, () => this.deadLetters.labels(this.groupId, topic, reason)).inc();
  }

  handlerSeconds(type: string, seconds: number): void {
    let t = this.timers.get(type);
    if (t === undefined) {
      t = this.duration.labels(this.groupId, type);
      this.timers.set(type, t);
    }
    t.observe(seconds);
  }
}
