import { Module } from '@nestjs/common';
import { MongoModule } from '@sp/persistence';
import { MongoReadiness, SERVICE_CONFIG, ServiceKitModule } from '@sp/service-kit';
import { FirstContactMadeConsumer } from './first-contact/first-contact-made.consumer';
import { FirstContactRepository } from './first-contact/first-contact.repository';
import { ReferralCounterRepository } from './referral-stats/referral-counter.repository';
import { ReferralEventsConsumer } from './referral-stats/referral-events.consumer';
import { ReferralStatsController, ServiceStatsController } from './referral-stats/referral-stats.controller';
import { DashboardModule } from './dashboard/dashboard.module';
import { PracticesModule } from './practices/practices.module';
import { ReadModelsModule } from './read-models/read-models.module';
import { ReportsModule } from './reports/reports.module';
import { ServiceConfigSchema, type ServiceConfig } from './service.config';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      name: 'analytics',
      configSchema: ServiceConfigSchema,
      openApi: {
        title: 'Analytics service',
        description: 'Read models and operational counts built from platform events.',
      },
    }),
    MongoModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useUrl: (config: ServiceConfig) => config.MONGO_URL,
    }),
    ReadModelsModule,
    ReportsModule,
    PracticesModule,
    DashboardModule,
  ],
  controllers: [
    ReferralStatsController,
    ServiceStatsController,
    ReferralEventsConsumer,
    FirstContactMadeConsumer,
  ],
  providers: [MongoReadiness, ReferralCounterRepository, FirstContactRepository],
})
export class AppModule {}
