import 'reflect-metadata';
import { Topics } from '@sp/contracts';
import { bootstrapService } from '@sp/service-kit';
import { AppModule } from './app.module';

void bootstrapService({
  name: 'analytics',
  module: AppModule,
  defaultPort: 3004,
  consumer: { groupId: 'analytics', topics: [Topics.referralLifecycle] },
});
