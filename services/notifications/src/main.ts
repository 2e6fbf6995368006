import 'reflect-metadata';
import { Topics } from '@sp/contracts';
import { bootstrapService } from '@sp/service-kit';
import { AppModule } from './app.module';

void bootstrapService({
  name: 'notifications',
  module: AppModule,
  defaultPort: 3003,
  consumer: {
    groupId: 'notifications',
    topics: [Topics.referralLifecycle, Topics.directory],
    // Every lifecycle partition at once: handling an event is a queue add (batched across the
    // partitions being handled), so a backlog drains at the pace of Redis, not of one round trip.
    partitionsConsumedConcurrently: Topics.referralLifecycle.partitions,
  },
});
