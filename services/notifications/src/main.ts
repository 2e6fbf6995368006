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
  },
});
