import 'reflect-metadata';
import { Topics } from '@sp/contracts';
import { bootstrapService } from '@sp/service-kit';
import { AppModule } from './app.module';

void bootstrapService({
  name: 'referrals',
  module: AppModule,
  defaultPort: 3001,
  // Its lifecycle events, and the team figures (team.caseload-changed) of receiving organisations.
  topics: [Topics.referralLifecycle, Topics.teams],
  // The directory replica, and the referrals' own closing events for the message back to the GP
  // (KAFKA_GROUP_ID overrides the group).
  consumer: { groupId: 'referrals', topics: [Topics.directory, Topics.referralLifecycle] },
});
