import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION, pingMongo } from '@sp/persistence';
import { HealthRegistry } from './health-registry';

/** Add to a service's providers (with MongoModule imported): /health/ready then pings its database. */
@Injectable()
export class MongoReadiness {
  constructor(health: HealthRegistry, @Inject(MONGO_CONNECTION) connection: Connection) {
    health.register('mongo', () => pingMongo(connection));
  }
}
