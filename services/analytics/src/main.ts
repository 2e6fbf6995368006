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
    // The read models are built from the lifecycle topic and the directory's capacity changes
    // (subscriptions follow the handlers; listing the topics here ensures them, with retention).
    topics: [Topics.referralLifecycle, Topics.directory],
    // Every partition at once: each referral's events stay on one partition, and the projection's
    // updates commute, so partitions never wait on each other.
    partitionsConsumedConcurrently: Topics.referralLifecycle.partitions,
  },
});
