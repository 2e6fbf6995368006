import type { Provider, Type } from '@nestjs/common';
import { OutboxRelay } from '@sp/messaging';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { ReferralRepository } from '../referrals/referral.repository';
import { GP_SUMMARIES_COLLECTION, GpSummaryRepository } from './gp-summary.repository';
import { IssueGpSummaryUseCase } from './issue-gp-summary/issue-gp-summary.use-case';
import { ReferralClosedConsumer } from './issue-gp-summary/referral-closed.consumer';
import { CommunicationController } from './read-gp-summary/communication.controller';
import { ReadGpSummaryUseCase } from './read-gp-summary/read-gp-summary.use-case';

/**
 * The message back to the GP: issued from the referral's closing events (Kafka consumer on the
 * lifecycle topic, which the service must subscribe to: see main.ts), read as FHIR Communication
 * at /fhir/Communication. Add both arrays to the referrals AppModule, and
 * GP_SUMMARY_OUTBOX_COLLECTION to the outbox relay's collections (the summaries' events are
 * published from their own documents' outbox).
 */
export const gpSummaryControllers: Type<unknown>[] = [ReferralClosedConsumer, CommunicationController];

/** The controllers serving /fhir routes (declared in the CapabilityStatement). */
export const gpSummaryFhirControllers: Type<unknown>[] = [CommunicationController];

export const GP_SUMMARY_OUTBOX_COLLECTION = GP_SUMMARIES_COLLECTION;

export const gpSummaryProviders: Provider[] = [
  GpSummaryRepository,
  {
    provide: IssueGpSummaryUseCase,
    inject: [ReferralRepository, GpSummaryRepository, AuditLogRepository, OutboxRelay],
    useFactory: (
      referrals: ReferralRepository,
      summaries: GpSummaryRepository,
      audit: AuditLogRepository,
      relay: OutboxRelay,
    ) => new IssueGpSummaryUseCase(referrals, summaries, audit, relay),
  },
  {
    provide: ReadGpSummaryUseCase,
    inject: [GpSummaryRepository, ReferralRepository, AuditLogRepository],
    useFactory: (summaries: GpSummaryRepository, referrals: ReferralRepository, audit: AuditLogRepository) =>
      new ReadGpSummaryUseCase(summaries, referrals, audit),
  },
];
