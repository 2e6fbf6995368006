import {
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { parseBrokers } from '@sp/config';
import { EventPublisher, OutboxRelay } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import { SERVICE_CONFIG, SERVICE_LOGGER, SERVICE_NAME, type ServiceKitConfig } from './service-kit.config';

const RELAY_OPTIONS = Symbol('sp.outbox-relay.options');

interface OutboxRelayModuleOptions {
  /** Collections whose documents carry an `outbox` array. */
  collections: string[];
  pollIntervalMs?: number;
}

/** Starts the relay once the app is up; stops it (finishing its pass) before connections close. */
@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.connect();
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.publisher.disconnect();
  }
}

/**
 * The outbox relay of a producing service: publishes the pending events that use cases write into
 * their aggregate documents. Inject `OutboxRelay` and call `kick()` after a write for low latency;
 * the relay also polls.
 */
@Module({})
export class OutboxRelayModule {
  static forRoot(options: OutboxRelayModuleOptions): DynamicModule {
    return {
      module: OutboxRelayModule,
      providers: [
        { provide: RELAY_OPTIONS, useValue: options },
        {
          provide: EventPublisher,
          inject: [SERVICE_CONFIG, SERVICE_NAME, SERVICE_LOGGER],
          useFactory: (config: ServiceKitConfig, name: string, logger: Logger) =>
            new EventPublisher(
              { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: `${name}-outbox-relay` },
              { logger },
            ),
        },
        {
          provide: OutboxRelay,
          inject: [RELAY_OPTIONS, EventPublisher, MONGO_CONNECTION, SERVICE_LOGGER],
          useFactory: (
            opts: OutboxRelayModuleOptions,
            publisher: EventPublisher,
            connection: Connection,
            logger: Logger,
          ) =>
            new OutboxRelay({
              publisher,
              collections: opts.collections.map(
                (name) => collectionOf<Document>(connection, name) as Collection<Document>,
              ),
              ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
              logger: logger.child({ component: 'outbox-relay' }),
            }),
        },
        OutboxRelayLifecycle,
      ],
      exports: [OutboxRelay],
    };
  }
}
