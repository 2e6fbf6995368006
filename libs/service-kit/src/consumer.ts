import type { INestApplication } from '@nestjs/common';
import { contractRegistry, type ContractRegistry, type TopicDefinition } from '@sp/contracts';
import { parseBrokers } from '@sp/config';
import { EventExceptionPassthroughFilter, KafkaEventTransport, type RetryOptions } from '@sp/messaging';
import type { Logger } from 'pino';
import { HealthRegistry } from './health-registry';
import type { ServiceKitConfig } from './service-kit.config';

export interface ConsumerOptions {
  /** The consumer group, e.g. 'analytics'. One group per service (per purpose). */
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
 * service's controllers) and makes readiness depend on it. Consumption starts with
 * `app.startAllMicroservices()`.
 */
export function connectConsumer(
  app: INestApplication,
  name: string,
  config: ServiceKitConfig,
  logger: Logger,
  opts: ConsumerOptions,
): KafkaEventTransport {
  const transport = new KafkaEventTransport({
    connection: { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: `${name}-consumer` },
    groupId: opts.groupId,
    registry: opts.registry ?? contractRegistry,
    logger,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.partitionsConsumedConcurrently ? { partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently } : {}),
    ...(opts.onFatal ? { onFatal: opts.onFatal } : {}),
  });
  const microservice = app.connectMicroservice({ strategy: transport });
  // Without it Nest's RPC filter hides the DomainError code and `retriable` the retry policy needs.
  microservice.useGlobalFilters(new EventExceptionPassthroughFilter());
  app.get(HealthRegistry).register('kafka-consumer', async () =>
    transport.isReady() ? { ok: true } : { ok: false, detail: `consumer group ${opts.groupId} is not consuming` },
  );
  return transport;
}
