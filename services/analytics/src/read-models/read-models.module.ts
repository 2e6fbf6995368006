import { Module } from '@nestjs/common';
import { contractRegistry } from '@sp/contracts';
import { parseBrokers } from '@sp/config';
import { MONGO_CONNECTION } from '@sp/persistence';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@sp/service-kit';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../service.config';
import { FactStore } from './facts.repository';
import { GenerationStore } from './generations.repository';
import { FactEventsConsumer } from './project-events/fact-events.consumer';
import { ProjectEvent } from './project-events/project-event.use-case';
import { READ_MODEL_READER } from './read-model.reader';
import { READ_MODEL_TOPIC_DEFINITIONS } from './read-model.topics';
import { GenerationReadModel } from './read-model.repository';
import { DescribeReadModels } from './rebuild/describe-read-models.use-case';
import { ReadModelsController } from './rebuild/read-models.controller';
import { RebuildCoordinator } from './rebuild/rebuild-coordinator';
import { RebuildScheduler } from './rebuild/rebuild-scheduler';
import { StartRebuild } from './rebuild/start-rebuild.use-case';

/**
 * ReadModels: the facts analytics keeps (referral facts, refusals, capacity samples) in
 * generations of collections; the live projection, the rebuild, and the ReadModelReader the
 * reports use (exported as READ_MODEL_READER).
 */
@Module({
  controllers: [FactEventsConsumer, ReadModelsController],
  providers: [
    {
      provide: GenerationStore,
      inject: [MONGO_CONNECTION, SERVICE_CONFIG],
      useFactory: (connection: Connection, config: ServiceConfig) =>
        new GenerationStore(connection, config.READ_MODEL_REFRESH_MS),
    },
    { provide: FactStore, inject: [MONGO_CONNECTION], useFactory: (c: Connection) => new FactStore(c) },
    {
      provide: ProjectEvent,
      inject: [GenerationStore, FactStore],
      useFactory: (g: GenerationStore, f: FactStore) => new ProjectEvent(g, f),
    },
    {
      provide: READ_MODEL_READER,
      inject: [GenerationStore, FactStore],
      useFactory: (g: GenerationStore, f: FactStore) => new GenerationReadModel(g, f),
    },
    {
      provide: RebuildCoordinator,
      inject: [GenerationStore, FactStore, SERVICE_CONFIG, SERVICE_LOGGER],
      useFactory: (g: GenerationStore, f: FactStore, config: ServiceConfig, logger: Logger) =>
        new RebuildCoordinator({
          generations: g,
          facts: f,
          connection: { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: 'analytics-rebuild' },
          registry: contractRegistry,
          topics: READ_MODEL_TOPIC_DEFINITIONS.map((t) => t.name),
          logger: logger.child({ component: 'read-model-rebuild' }),
          graceMs: config.READ_MODEL_SWITCH_GRACE_MS,
        }),
    },
    {
      provide: StartRebuild,
      inject: [GenerationStore, FactStore, SERVICE_CONFIG],
      useFactory: (g: GenerationStore, f: FactStore, config: ServiceConfig) =>
        new StartRebuild(g, f, config.KAFKA_GROUP_ID),
    },
    {
      provide: DescribeReadModels,
      inject: [GenerationStore, FactStore, RebuildCoordinator],
      useFactory: (g: GenerationStore, f: FactStore, c: RebuildCoordinator) =>
        new DescribeReadModels(g, f, (groupId) => c.progress(groupId)),
    },
    RebuildScheduler,
  ],
  exports: [READ_MODEL_READER],
})
export class ReadModelsModule {}
