import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';

/**
 * BullMQ connections: producers fail fast when Redis is away (the HTTP request sees the error),
 * the worker waits forever (`maxRetriesPerRequest: null`) so its blocking reads survive blips.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly producer: Redis;
  readonly worker: Redis;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
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
