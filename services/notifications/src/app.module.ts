import { Injectable, Module } from '@nestjs/common';
import { MongoModule } from '@sp/persistence';
import {
  HealthRegistry,
  MongoReadiness,
  SERVICE_CONFIG,
  ServiceKitModule,
  RedisConnections,
} from '@sp/service-kit';
import { ReferralAssignedConsumer } from './assignments/referral-assigned.consumer';
import { DeliveryQueue } from './delivery/delivery.queue';
import { DeliveryWorker } from './delivery/delivery.worker';
import { ReferralEventsConsumer } from './delivery/referral-events.consumer';
import { DirectoryEventsConsumer } from './directory-replica/directory-events.consumer';
import { NoticeChannels } from './dispatch/notice-channels';
import { ReferralEventTaps } from './dispatch/referral-event-taps';
import { ListNotificationsController } from './notification-status/list-notifications/list-notifications.controller';
import { NotificationStatusRepository } from './notification-status/notification-status.repository';
import { ReferralRegisterRepository } from './referral-register/referral-register.repository';
import { ReferralRegisterTap } from './referral-register/referral-register.tap';
import { GpSummaryIssuedConsumer } from './gp-summary/gp-summary-issued.consumer';
import { ServiceReplicaRepository } from './directory-replica/service-replica.repository';
import { AcknowledgeController } from './inbox/acknowledge/acknowledge.controller';
import { ListInboxController } from './inbox/list-inbox/list-inbox.controller';
import { InboxRepository } from './inbox/inbox.repository';
import { NotifyClient } from './notify/notify-client';
import { patientNoticeControllers, patientNoticeProviders } from './patient-notices/patient-notices.wiring';
import { EMAIL_CONTROLLERS, EMAIL_PROVIDERS } from './email/email.wiring';
import { WEBHOOK_CONTROLLERS, WEBHOOK_PROVIDERS } from './webhooks/webhooks.wiring';
import { PARTNER_STREAM_CONTROLLERS, PARTNER_STREAM_PROVIDERS } from './partner-stream/partner-stream.wiring';
import { OpsModule } from './ops/ops.module';
import { ServiceConfigSchema, type ServiceConfig } from './service.config';

/** Redis in readiness (queue depths of every queue in /metrics: ops/queue-metrics.ts). */
@Injectable()
class QueueTelemetry {
  constructor(health: HealthRegistry, redis: RedisConnections) {
    health.register('redis', () => redis.ping());
  }
}

@Module({
  imports: [
    ServiceKitModule.forRoot({
      name: 'notifications',
      configSchema: ServiceConfigSchema,
      openApi: {
        title: 'Notifications service',
        description: 'Delivers id-only notifications to organisations through BullMQ jobs.',
      },
    }),
    MongoModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useUrl: (config: ServiceConfig) => config.MONGO_URL,
    }),
    OpsModule,
  ],
  controllers: [
    ...EMAIL_CONTROLLERS,
    ...patientNoticeControllers,
    ...WEBHOOK_CONTROLLERS,
    ...PARTNER_STREAM_CONTROLLERS,
    ListInboxController,
    AcknowledgeController,
    ListNotificationsController,
    ReferralEventsConsumer,
    ReferralAssignedConsumer,
    DirectoryEventsConsumer,
    GpSummaryIssuedConsumer,
  ],
  providers: [
    ...EMAIL_PROVIDERS,
    ...patientNoticeProviders,
    ...WEBHOOK_PROVIDERS,
    ...PARTNER_STREAM_PROVIDERS,
    MongoReadiness,
    RedisConnections,
    DeliveryQueue,
    DeliveryWorker,
    InboxRepository,
    NotifyClient,
    NoticeChannels,
    ReferralEventTaps,
    NotificationStatusRepository,
    ReferralRegisterRepository,
    ReferralRegisterTap,
    ServiceReplicaRepository,
    QueueTelemetry,
  ],
})
export class AppModule {}
