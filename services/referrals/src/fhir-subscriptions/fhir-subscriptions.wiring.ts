import type { Provider, Type } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { ReferralAccessPolicy } from '../referrals/referral-access.policy';
import { ReferralRepository } from '../referrals/referral.repository';
import type { ServiceConfig } from '../service.config';
import { FanOutTaskChangeUseCase } from './deliver-notifications/fan-out-task-change.use-case';
import { RestHookSender } from './deliver-notifications/rest-hook.sender';
import { SubscriptionDeliveryQueue } from './deliver-notifications/subscription-delivery.queue';
import { SubscriptionDeliveryWorker } from './deliver-notifications/subscription-delivery.worker';
import { TaskChangeConsumer } from './deliver-notifications/task-change.consumer';
import { FhirSubscriptionRepository } from './fhir-subscription.repository';
import { CreateSubscriptionUseCase } from './manage-subscriptions/create-subscription.use-case';
import { SubscriptionController } from './manage-subscriptions/subscription.controller';

/**
 * FHIR topic-based Subscriptions (R4 backport) at /fhir/Subscription: add both arrays to the
 * referrals AppModule. Needs ReferralRepository and ReferralAccessPolicy (the Task read
 * authorisation), RedisConnections and the service's Kafka consumer (lifecycle topic).
 */
export const fhirSubscriptionControllers: Type<unknown>[] = [SubscriptionController, TaskChangeConsumer];

export const fhirSubscriptionProviders: Provider[] = [
  FhirSubscriptionRepository,
  SubscriptionDeliveryQueue,
  SubscriptionDeliveryWorker,
  RestHookSender,
  {
    provide: CreateSubscriptionUseCase,
    inject: [FhirSubscriptionRepository, SubscriptionDeliveryQueue, SERVICE_CONFIG],
    useFactory: (repo: FhirSubscriptionRepository, queue: SubscriptionDeliveryQueue, config: ServiceConfig) =>
      new CreateSubscriptionUseCase(repo, queue, config),
  },
  {
    provide: FanOutTaskChangeUseCase,
    inject: [ReferralRepository, ReferralAccessPolicy, FhirSubscriptionRepository, SubscriptionDeliveryQueue],
    useFactory: (
      referrals: ReferralRepository,
      access: ReferralAccessPolicy,
      repo: FhirSubscriptionRepository,
      queue: SubscriptionDeliveryQueue,
    ) => new FanOutTaskChangeUseCase(referrals, access, repo, queue),
  },
];
