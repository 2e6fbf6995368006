import 'reflect-metadata';
import { Topics } from '@sp/contracts';
import { bootstrapService } from '@sp/service-kit';
import { AppModule } from './app.module';

void bootstrapService({
  name: 'analytics',
  module: AppModule,
  defaultPort: 3004,
  consumer: {
    groupId: 'analytics',
    topics: [Topics.referralLifecycle],
    // Every partition at once: each one's events go to its own counter shards, so the partitions'
    // transactions never conflict, and the database is kept busy while a replay catches up.
    partitionsConsumedConcurrently: Topics.referralLifecycle.partitions,
  },
});
