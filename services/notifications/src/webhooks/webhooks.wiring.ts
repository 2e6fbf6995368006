import type { Provider, Type } from '@nestjs/common';
import { OutboundSender, parseAllowedRanges, TargetGuard } from '@sp/outbound-http';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { NotificationStatusRepository } from '../notification-status/notification-status.repository';
import type { ServiceConfig } from '../service.config';
import { DeliverMessageUseCase } from './deliver-message/deliver-message.use-case';
import { WebhookWorker } from './deliver-message/webhook.worker';
import { WebhookNoticeChannel } from './dispatch-notice/webhook-notice.channel';
import { parseRetrySchedule } from './domain/retry-schedule';
import { EndpointDisabledMailer } from './endpoint-disabled.mailer';
import { WebhookDeliveriesController } from './list-deliveries/webhook-deliveries.controller';
import { ManageEndpointsUseCase } from './manage-endpoints/manage-endpoints.use-case';
import { WebhookEndpointsController } from './manage-endpoints/webhook-endpoints.controller';
import { ReplayMessagesUseCase } from './replay-messages/replay-messages.use-case';
import { SecretBox } from './secret-box';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { WebhookMessageRepository } from './webhook-message.repository';
import { WebhookQueue } from './webhook.queue';
import { WebhookSender } from './webhook-sender';

const DAY_MS = 24 * 3600_000;

/**
 * Signed webhooks (Standard Webhooks): endpoint management and delivery. Spread both arrays into
 * the notifications AppModule (needs NoticeChannels, NotificationStatusRepository, RedisConnections
 * and OrganisationMailer there).
 */
export const WEBHOOK_CONTROLLERS: Type[] = [WebhookEndpointsController, WebhookDeliveriesController];

export const WEBHOOK_PROVIDERS: Provider[] = [
  WebhookEndpointRepository,
  WebhookMessageRepository,
  WebhookQueue,
  WebhookNoticeChannel,
  WebhookWorker,
  EndpointDisabledMailer,
  {
    provide: SecretBox,
    inject: [SERVICE_CONFIG],
    useFactory: (config: ServiceConfig) => new SecretBox(config.WEBHOOK_SECRET_KEY),
  },
  {
    provide: TargetGuard,
    inject: [SERVICE_CONFIG],
    useFactory: (config: ServiceConfig) =>
      new TargetGuard({
        allowedRanges: parseAllowedRanges(config.WEBHOOK_ALLOW_PRIVATE_TARGETS),
        allowHttp: config.WEBHOOK_ALLOW_HTTP,
      }),
  },
  {
    provide: OutboundSender,
    inject: [SERVICE_CONFIG, TargetGuard],
    useFactory: (config: ServiceConfig, guard: TargetGuard) =>
      new OutboundSender(guard, {
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        userAgent: 'social-prescribing-webhooks/1.0',
      }),
  },
  {
    provide: WebhookSender,
    inject: [OutboundSender],
    useFactory: (sender: OutboundSender) => new WebhookSender(sender),
  },
  {
    provide: ManageEndpointsUseCase,
    inject: [WebhookEndpointRepository, WebhookMessageRepository, TargetGuard, SecretBox],
    useFactory: (
      endpoints: WebhookEndpointRepository,
      messages: WebhookMessageRepository,
      guard: TargetGuard,
      box: SecretBox,
    ) => new ManageEndpointsUseCase(endpoints, messages, guard, box),
  },
  {
    provide: ReplayMessagesUseCase,
    inject: [WebhookEndpointRepository, WebhookMessageRepository, WebhookQueue, NotificationStatusRepository],
    useFactory: (
      endpoints: WebhookEndpointRepository,
      messages: WebhookMessageRepository,
      queue: WebhookQueue,
      status: NotificationStatusRepository,
    ) => new ReplayMessagesUseCase(endpoints, messages, queue, status),
  },
  {
    provide: DeliverMessageUseCase,
    inject: [
      SERVICE_CONFIG,
      WebhookEndpointRepository,
      WebhookMessageRepository,
      NotificationStatusRepository,
      WebhookSender,
      SecretBox,
      EndpointDisabledMailer,
    ],
    useFactory: (
      config: ServiceConfig,
      endpoints: WebhookEndpointRepository,
      messages: WebhookMessageRepository,
      status: NotificationStatusRepository,
      sender: WebhookSender,
      box: SecretBox,
      notifier: EndpointDisabledMailer,
    ) =>
      new DeliverMessageUseCase(endpoints, messages, status, sender, box, notifier, {
        schedule: parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE_MS),
        disableAfterMs: config.WEBHOOK_DISABLE_AFTER_MS ?? config.WEBHOOK_DISABLE_AFTER_DAYS * DAY_MS,
      }),
  },
];
