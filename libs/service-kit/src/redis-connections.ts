import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import type { CommonConfig } from '@sp/config';
import { SERVICE_CONFIG } from './service-kit.config';

/**
 * Two kinds of Redis connection, as BullMQ wants them: producers fail fast when Redis is away
 * (no offline queue, so an HTTP request or a Kafka handler sees the error and retries), workers
 * wait forever (`maxRetriesPerRequest: null`) because their blocking reads must survive blips.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly producer: Redis;
  readonly worker: Redis;

  constructor(@Inject(SERVICE_CONFIG) config: Pick<CommonConfig, 'REDIS_URL'>) {
    this.producer = new IORedis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.worker = new IORedis(config.REDIS_URL, { maxRetriesPerRequest: null });
  }

  async ping(): Promise<{ ok: boolean; detail?: string }> {
    try {
      return { ok: (await this.producer.ping()) === 'PONG' };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.producer.quit(), this.worker.quit()]);
  }
}
