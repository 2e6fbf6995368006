import 'reflect-metadata';
import { Topics } from '@sp/contracts';
import { bootstrapService } from '@sp/service-kit';
import { AppModule } from './app.module';
import { loadServiceConfig } from './service.config';

void bootstrapService({
  name: 'analytics',
  module: AppModule,
  defaultPort: 3004,
  consumer: { groupId: (config) => loadServiceConfig(config).KAFKA_GROUP_ID, topics: [Topics.referralLifecycle] },
});
