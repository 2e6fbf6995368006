import type { INestApplication } from '@nestjs/common';
import { contractRegistry, type ContractRegistry, type TopicDefinition } from '@sp/contracts';
import { parseBrokers } from '@sp/config';
import { KafkaEventTransport, type RetryOptions } from '@sp/messaging';
import type { Logger } from 'pino';
import { HealthRegistry } from './health-registry';
import type { ServiceKitConfig } from './service-kit.config';

export interface ConsumerOptions {
  /**
   * The consumer group, e.g. 'analytics'. One group per service (per purpose). A `KAFKA_GROUP_ID`
   * in the service's config overrides it (to run an isolated copy of the service, e.g. in tests).
   */
  groupId: string;
  /** Topics this service consumes; ensured (with their .dlq) at boot. Subscriptions follow the handlers. */
  topics?: TopicDefinition[];
  retry?: RetryOptions;
  partitionsConsumedConcurrently?: number;
  /** Contracts to decode with; all platform contracts by default. */
  registry?: ContractRegistry;
  /** What to do when kafkajs gives up for good; default: log fatal and exit(1). */
  onFatal?: (err: Error) => void;
}

/**
 * Connects KafkaEventTransport as a Nest microservice (handlers are `@EventPattern` methods on the
 * service's controllers) and makes readiness depend on it. Call after configureServiceApp (the
 * global filter must exist first). Consumption starts with `app.startAllMicroservices()`.
 */
export function connectConsumer(
  app: INestApplication,
  name: string,
  config: ServiceKitConfig,
  logger: Logger,
  opts: ConsumerOptions,
): KafkaEventTransport {
  const groupId = consumerGroupId(config, opts);
  const transport = new KafkaEventTransport({
    connection: { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: `${name}-consumer` },
    groupId,
    registry: opts.registry ?? contractRegistry,
    logger,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.partitionsConsumedConcurrently
      ? { partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently }
      : {}),
    ...(opts.onFatal ? { onFatal: opts.onFatal } : {}),
  });
  // inheritAppConfig: the handlers get the app's global filter, which hands errors back to the
  // transport untouched (Nest's default RPC filter would hide the DomainError code and `retriable`).
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  app
    .get(HealthRegistry)
    .register('kafka-consumer', async () =>
      transport.isReady()
        ? { ok: true }
        : { ok: false, detail: `consumer group ${groupId} is not consuming` },
    );
  return transport;
}

/** The configured KAFKA_GROUP_ID when the service declares one, else the service's default group. */
export function consumerGroupId(config: ServiceKitConfig, opts: Pick<ConsumerOptions, 'groupId'>): string {
  const configured = (config as { KAFKA_GROUP_ID?: unknown }).KAFKA_GROUP_ID;
  return typeof configured === 'string' && configured.length > 0 ? configured : opts.groupId;
}
