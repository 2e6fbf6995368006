import 'reflect-metadata';
import { Topics } from '@sp/contracts';
import { bootstrapService } from '@sp/service-kit';
import { AppModule } from './app.module';
import { loadServiceConfig } from './service.config';

void bootstrapService({
  name: 'notifications',
  module: AppModule,
  defaultPort: 3003,
  consumer: {
    groupId: (config) => loadServiceConfig(config).KAFKA_GROUP_ID,
    topics: [Topics.referralLifecycle, Topics.directory],
  },
});
