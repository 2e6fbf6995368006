import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { TopicDefinition } from '@sp/contracts';
import { parseBrokers } from '@sp/config';
import { ensureTopics, type KafkaEventTransport } from '@sp/messaging';
import { createLogger, PinoNestLogger } from '@sp/observability';
import type { Logger } from 'pino';
import { reportBootFailure } from './boot-failure';
import { configureServiceApp } from './configure-app';
import { connectConsumer, type ConsumerOptions } from './consumer';
import type { ServiceKitConfig, ServiceName } from './service-kit.config';
import { installGracefulShutdown } from './shutdown';

export interface CreateServiceAppOptions {
  name: ServiceName;
  /** The service's root module; it imports ServiceKitModule.forRoot(...). */
  module: Type<unknown>;
  /** Connects KafkaEventTransport for this consumer group. */
  consumer?: ConsumerOptions;
  /** Topics the service produces to; created (with their .dlq) at boot if missing. */
  topics?: TopicDefinition[];
}

export interface BootstrapOptions extends CreateServiceAppOptions {
  /** Used when the config has no PORT. */
  defaultPort: number;
}

export interface ServiceApp {
  app: INestApplication;
  logger: Logger;
  config: ServiceKitConfig;
  transport?: KafkaEventTransport;
}

function uniqueTopics(topics: TopicDefinition[]): TopicDefinition[] {
  return [...new Map(topics.map((t) => [t.name, t])).values()];
}

/**
 * Creates and initialises the app with all the platform wiring, without listening or installing
 * signal handlers (integration tests use this; bootstrapService adds the rest).
 */
export async function createServiceApp(opts: CreateServiceAppOptions): Promise<ServiceApp> {
  const app = await NestFactory.create(opts.module, {
    // Until the configured logger exists Nest stays quiet: an error while creating the app is
    // rethrown and reported once, by the caller (bootstrapService: one JSON line + one paragraph).
    logger: new PinoNestLogger(createLogger(opts.name, 'fatal')),
    bodyParser: false,
    abortOnError: false,
  });
  try {
    const { logger, config } = configureServiceApp(app);
    const topics = uniqueTopics([...(opts.topics ?? []), ...(opts.consumer?.topics ?? [])]);
    if (topics.length > 0) {
      await ensureTopics(
        { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: `${opts.name}-admin` },
        topics,
        { logger },
      );
    }
    const transport = opts.consumer
      ? connectConsumer(app, opts.name, config, logger, opts.consumer)
      : undefined;
    await app.init();
    return transport ? { app, logger, config, transport } : { app, logger, config };
  } catch (err: unknown) {
    await app.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Starts a service: creates the app (config, logging, correlation ids, problem+json, body limits,
 * health, metrics, OpenAPI, auth, ops endpoints), ensures its topics, starts its Kafka consumer,
 * listens on PORT (or defaultPort) and shuts down gracefully on SIGTERM/SIGINT. Any boot failure is
 * reported in one paragraph and the process exits 1.
 */
export async function bootstrapService(opts: BootstrapOptions): Promise<INestApplication> {
  let logger: Logger | undefined;
  try {
    const started = await createServiceApp(opts);
    logger = started.logger;
    const { app, config, transport } = started;
    if (transport) await app.startAllMicroservices();
    const port = config.PORT ?? opts.defaultPort;
    await app.listen(port);
    installGracefulShutdown(app, {
      logger,
      timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      consumers: transport ? [transport] : [],
    });
    logger.info({ port, consumerGroup: transport?.groupId }, `${opts.name} service started`);
    return app;
  } catch (err: unknown) {
    reportBootFailure(opts.name, err, logger ?? createLogger(opts.name));
    process.exit(1);
  }
}
