import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@sp/service-kit';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../../service.config';
import { FactStore } from '../facts.repository';
import { GenerationStore } from '../generations.repository';
import { RebuildCoordinator } from './rebuild-coordinator';

/**
 * Runs this instance's RebuildCoordinator every READ_MODEL_REFRESH_MS (one tick at a time), so any
 * instance joins a rebuild started by another one, by the endpoint or by the CLI.
 */
@Injectable()
export class RebuildScheduler implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(RebuildCoordinator) private readonly coordinator: RebuildCoordinator,
    @Inject(GenerationStore) private readonly generations: GenerationStore,
    @Inject(FactStore) private readonly facts: FactStore,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /** The active generation's collections and indexes exist before the first event or read. */
  async onModuleInit(): Promise<void> {
    const state = await this.generations.refresh();
    await this.facts.ensureIndexes(state.active);
    if (state.building !== undefined) await this.facts.ensureIndexes(state.building);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.coordinator
        .tick()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'read model rebuild check failed; retrying'),
        )
        .finally(() => {
          this.running = undefined;
        });
    }, this.config.READ_MODEL_REFRESH_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.coordinator.close();
  }
}
