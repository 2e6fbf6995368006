import { Module } from '@nestjs/common';
import { MongoModule } from '@sp/persistence';
import { MongoReadiness, SERVICE_CONFIG, ServiceKitModule } from '@sp/service-kit';
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
  providers: [MongoReadiness],
})
export class AppModule {}
