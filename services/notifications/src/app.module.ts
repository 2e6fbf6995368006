import { Injectable, Module } from '@nestjs/common';
import { MongoModule } from '@sp/persistence';
import {
  HealthRegistry,
  MetricsGaugeRegistry,
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
import { InboxController } from './inbox/inbox.controller';
import { InboxRepository } from './inbox/inbox.repository';
import { NotifyClient } from './notify/notify-client';
import { EMAIL_CONTROLLERS, EMAIL_PROVIDERS } from './email/email.wiring';
import { PARTNER_STREAM_CONTROLLERS, PARTNER_STREAM_PROVIDERS } from './partner-stream/partner-stream.wiring';
import { QueueNames } from './queues/queue-names';
import { ServiceConfigSchema, type ServiceConfig } from './service.config';

/** Redis in readiness, queue depths in /metrics. */
@Injectable()
class QueueTelemetry {
  constructor(
    health: HealthRegistry,
    gauges: MetricsGaugeRegistry,
    redis: RedisConnections,
    deliveries: DeliveryQueue,
  ) {
    health.register('redis', () => redis.ping());
    gauges.register({
      name: 'sp_queue_jobs',
      help: 'BullMQ jobs per queue and state',
      labelNames: ['queue', 'state'],
      collect: async () =>
        Object.entries(await deliveries.depths()).map(([state, value]) => ({
          labels: { queue: QueueNames.delivery, state },
          value,
        })),
    });
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
  ],
  controllers: [
    ...EMAIL_CONTROLLERS,
    ...PARTNER_STREAM_CONTROLLERS,
    InboxController,
    ListNotificationsController,
    ReferralEventsConsumer,
    ReferralAssignedConsumer,
    DirectoryEventsConsumer,
    GpSummaryIssuedConsumer,
  ],
  providers: [
    ...EMAIL_PROVIDERS,
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
