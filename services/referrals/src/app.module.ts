import { Module } from '@nestjs/common';
import { OutboxRelay } from '@sp/messaging';
import { MongoModule } from '@sp/persistence';
import { MongoReadiness, OutboxRelayModule, SERVICE_CONFIG, ServiceKitModule } from '@sp/service-kit';
import { AuditLogRepository } from './audit/audit-log.repository';
import { CreateReferralUseCase } from './referrals/create-referral/create-referral.use-case';
import { GetReferralUseCase } from './referrals/get-referral/get-referral.use-case';
import { ReferralRepository } from './referrals/referral.repository';
import { ReferralsController } from './referrals/referrals.controller';
import { ServiceConfigSchema, type ServiceConfig } from './service.config';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      name: 'referrals',
      configSchema: ServiceConfigSchema,
      openApi: {
        title: 'Referrals service',
        description: 'Closed-loop social prescribing referrals: intake, lifecycle, history and audit.',
      },
    }),
    MongoModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useUrl: (config: ServiceConfig) => config.MONGO_URL,
    }),
    OutboxRelayModule.forRoot({ collections: ['referrals'] }),
  ],
  controllers: [ReferralsController],
  providers: [
    MongoReadiness,
    ReferralRepository,
    AuditLogRepository,
    GetReferralUseCase,
    {
      provide: CreateReferralUseCase,
      inject: [ReferralRepository, AuditLogRepository, OutboxRelay, SERVICE_CONFIG],
      useFactory: (
        referrals: ReferralRepository,
        audit: AuditLogRepository,
        relay: OutboxRelay,
        config: ServiceConfig,
      ) => new CreateReferralUseCase(referrals, audit, relay, config.PATIENT_KEY_SECRET),
    },
  ],
})
export class AppModule {}
