import { Injectable, Module } from '@nestjs/common';
import { OutboxRelay } from '@sp/messaging';
import { MongoModule } from '@sp/persistence';
import {
  HealthRegistry,
  MetricsGaugeRegistry,
  MongoReadiness,
  OutboxRelayModule,
  SERVICE_CONFIG,
  ServiceKitModule,
  RedisConnections,
} from '@sp/service-kit';
import { AuditController } from './audit/audit.controller';
import { AuditLogRepository } from './audit/audit-log.repository';
import { DeadlineQueue, DEADLINE_QUEUE_NAME } from './deadline/deadline.queue';
import { DeadlineWorker } from './deadline/deadline.worker';
import { DeprivationRepository } from './deprivation/deprivation.repository';
import { DirectoryEventsConsumer } from './directory-replica/directory-events.consumer';
import { DirectoryReplicaRepository } from './directory-replica/directory-replica.repository';
import {
  INTAKE_REFUSALS_COLLECTION,
  IntakeRefusalRepository,
} from './intake-refusals/intake-refusal.repository';
import { RecordRefusalUseCase } from './intake-refusals/record-refusal/record-refusal.use-case';
import { CreateReferralUseCase } from './referrals/create-referral/create-referral.use-case';
import { OnwardReferralUseCase } from './referrals/onward-referral/onward-referral.use-case';
import { ReferralAccessPolicy } from './referrals/referral-access.policy';
import { REFERRAL_OPERATIONS } from './referrals/referral-operations';
import { ReferralOperationsService } from './referrals/referral-operations.service';
import { ReferralRepository } from './referrals/referral.repository';
import { ReferralsController } from './referrals/referrals.controller';
import { WithdrawConsentUseCase } from './referrals/withdraw-consent/withdraw-consent.use-case';
import { patientContactControllers, patientContactProviders } from './patient-contact/patient-contact.wiring';
import { fhirControllers, fhirProviders } from './fhir/fhir.wiring';
import {
  FHIR_SUBSCRIPTION_QUEUE_NAME,
  SubscriptionDeliveryQueue,
} from './fhir-subscriptions/deliver-notifications/subscription-delivery.queue';
import {
  fhirSubscriptionControllers,
  fhirSubscriptionProviders,
} from './fhir-subscriptions/fhir-subscriptions.wiring';
import {
  GP_SUMMARY_OUTBOX_COLLECTION,
  gpSummaryControllers,
  gpSummaryProviders,
} from './gp-summary/gp-summary.wiring';
import { ServiceConfigSchema, type ServiceConfig } from './service.config';
import { caseRecordControllers, caseRecordProviders } from './case-record/case-record.wiring';
import { CaseRecordRedactor } from './case-record/redaction/case-record-redactor';
import {
  CASELOAD_OUTBOX_COLLECTION,
  caseloadControllers,
  caseloadProviders,
} from './caseload/caseload.wiring';

/** Redis in readiness, deadline queue depths in /metrics. */
@Injectable()
class QueueTelemetry {
  constructor(
    health: HealthRegistry,
    gauges: MetricsGaugeRegistry,
    redis: RedisConnections,
    deadlines: DeadlineQueue,
    subscriptionDeliveries: SubscriptionDeliveryQueue,
  ) {
    health.register('redis', () => redis.ping());
    gauges.register({
      name: 'sp_queue_jobs',
      help: 'BullMQ jobs per queue and state',
      labelNames: ['queue', 'state'],
      collect: async () => [
        ...Object.entries(await deadlines.depths()).map(([state, value]) => ({
          labels: { queue: DEADLINE_QUEUE_NAME, state },
          value,
        })),
        ...Object.entries(await subscriptionDeliveries.depths()).map(([state, value]) => ({
          labels: { queue: FHIR_SUBSCRIPTION_QUEUE_NAME, state },
          value,
        })),
      ],
    });
  }
}

const deadlineSettings = (config: ServiceConfig) => ({
  deadlineHours: config.RESPONSE_DEADLINE_HOURS,
  reminderBeforeHours: config.REMINDER_BEFORE_DEADLINE_HOURS,
});

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
    OutboxRelayModule.forRoot({
      collections: [
        'referrals',
        GP_SUMMARY_OUTBOX_COLLECTION,
        CASELOAD_OUTBOX_COLLECTION,
        INTAKE_REFUSALS_COLLECTION,
      ],
    }),
  ],
  controllers: [
    // Before ReferralsController: its POST /v1/referrals/:id/:action would otherwise take
    // POST /v1/referrals/:id/contacts and /notes (Express matches routes in registration order).
    ...caseRecordControllers,
    ...caseloadControllers,
    ReferralsController,
    AuditController,
    ...patientContactControllers,
    DirectoryEventsConsumer,
    ...fhirControllers,
    ...fhirSubscriptionControllers,
    ...gpSummaryControllers,
  ],
  providers: [
    ...fhirProviders,
    ...fhirSubscriptionProviders,
    ...gpSummaryProviders,
    ...caseRecordProviders,
    ...caseloadProviders,
    ...patientContactProviders,
    MongoReadiness,
    ReferralRepository,
    AuditLogRepository,
    DirectoryReplicaRepository,
    DeprivationRepository,
    IntakeRefusalRepository,
    {
      provide: RecordRefusalUseCase,
      inject: [IntakeRefusalRepository, OutboxRelay],
      useFactory: (refusals: IntakeRefusalRepository, relay: OutboxRelay) =>
        new RecordRefusalUseCase(refusals, relay),
    },
    RedisConnections,
    DeadlineQueue,
    DeadlineWorker,
    QueueTelemetry,
    {
      provide: CreateReferralUseCase,
      inject: [
        ReferralRepository,
        AuditLogRepository,
        OutboxRelay,
        DirectoryReplicaRepository,
        DeadlineQueue,
        SERVICE_CONFIG,
        DeprivationRepository,
        RecordRefusalUseCase,
      ],
      useFactory: (
        referrals: ReferralRepository,
        audit: AuditLogRepository,
        relay: OutboxRelay,
        replica: DirectoryReplicaRepository,
        deadlines: DeadlineQueue,
        config: ServiceConfig,
        deprivation: DeprivationRepository,
        refusals: RecordRefusalUseCase,
      ) =>
        new CreateReferralUseCase(
          referrals,
          audit,
          relay,
          replica,
          deadlines,
          { ...deadlineSettings(config), patientKeySecret: config.PATIENT_KEY_SECRET },
          { deprivation, refusals },
        ),
    },
    {
      provide: ReferralAccessPolicy,
      inject: [ReferralRepository, DirectoryReplicaRepository],
      useFactory: (referrals: ReferralRepository, replica: DirectoryReplicaRepository) =>
        new ReferralAccessPolicy(referrals, replica),
    },
    {
      provide: OnwardReferralUseCase,
      inject: [
        ReferralRepository,
        ReferralAccessPolicy,
        AuditLogRepository,
        OutboxRelay,
        DirectoryReplicaRepository,
        DeadlineQueue,
        SERVICE_CONFIG,
      ],
      useFactory: (
        referrals: ReferralRepository,
        access: ReferralAccessPolicy,
        audit: AuditLogRepository,
        relay: OutboxRelay,
        replica: DirectoryReplicaRepository,
        deadlines: DeadlineQueue,
        config: ServiceConfig,
      ) =>
        new OnwardReferralUseCase(
          referrals,
          access,
          audit,
          relay,
          replica,
          deadlines,
          deadlineSettings(config),
        ),
    },
    {
      provide: WithdrawConsentUseCase,
      inject: [
        ReferralRepository,
        ReferralAccessPolicy,
        AuditLogRepository,
        OutboxRelay,
        DeadlineQueue,
        CaseRecordRedactor,
      ],
      useFactory: (
        referrals: ReferralRepository,
        access: ReferralAccessPolicy,
        audit: AuditLogRepository,
        relay: OutboxRelay,
        deadlines: DeadlineQueue,
        caseRecords: CaseRecordRedactor,
      ) => new WithdrawConsentUseCase(referrals, access, audit, relay, deadlines, caseRecords),
    },
    {
      provide: REFERRAL_OPERATIONS,
      inject: [
        ReferralRepository,
        ReferralAccessPolicy,
        AuditLogRepository,
        OutboxRelay,
        DirectoryReplicaRepository,
        DeadlineQueue,
        CreateReferralUseCase,
        OnwardReferralUseCase,
        WithdrawConsentUseCase,
      ],
      useFactory: (
        referrals: ReferralRepository,
        access: ReferralAccessPolicy,
        audit: AuditLogRepository,
        relay: OutboxRelay,
        replica: DirectoryReplicaRepository,
        deadlines: DeadlineQueue,
        create: CreateReferralUseCase,
        onward: OnwardReferralUseCase,
        withdrawConsent: WithdrawConsentUseCase,
      ) =>
        new ReferralOperationsService(referrals, access, audit, relay, replica, deadlines, {
          create,
          onward,
          withdrawConsent,
        }),
    },
  ],
  exports: [REFERRAL_OPERATIONS],
})
export class AppModule {}
