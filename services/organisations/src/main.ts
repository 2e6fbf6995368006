import 'reflect-metadata';
import { Topics } from '@sp/contracts';
import { bootstrapService } from '@sp/service-kit';
import { AppModule } from './app.module';

void bootstrapService({
  name: 'organisations',
  module: AppModule,
  defaultPort: 3002,
  topics: [Topics.directory],
  // Referral lifecycle events feed trust signals and live caseload (src/signals); team caseload
  // events cap capacity by the link workers' caseload limits (src/team-capacity).
  consumer: { groupId: 'organisations', topics: [Topics.referralLifecycle, Topics.teams] },
});
