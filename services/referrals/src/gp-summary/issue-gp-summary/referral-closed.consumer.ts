import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ReferralCancelledV1,
  ReferralCompletedV1,
  ReferralExpiredV1,
  ReferralFailedV1,
  ReferralRejectedV1,
  type ReferralCancelledV1Data,
  type ReferralCompletedV1Data,
  type ReferralExpiredV1Data,
  type ReferralFailedV1Data,
  type ReferralRejectedV1Data,
} from '@sp/contracts';
import type { ClosingFact } from '../domain/gp-summary';
import { IssueGpSummaryUseCase } from './issue-gp-summary.use-case';

type Closing =
  | ReferralCompletedV1Data
  | ReferralRejectedV1Data
  | ReferralCancelledV1Data
  | ReferralFailedV1Data
  | ReferralExpiredV1Data;

function factOf(data: Closing, expired: boolean): ClosingFact {
  return {
    referralId: data.referralId,
    version: data.version,
    toStatus: data.toStatus,
    expired,
    ...('reasonCode' in data ? { reasonCode: data.reasonCode } : {}),
    outcomeCodes: 'outcomeCodes' in data ? data.outcomeCodes : [],
    closedBy: data.actor,
    occurredAt: data.occurredAt,
  };
}

/**
 * Kafka adapter: the referral's own closing events (from this service's outbox, through the
 * lifecycle topic) issue the message back to the GP. Validated against the contracts on consume.
 */
@Controller()
export class ReferralClosedConsumer {
  constructor(private readonly issue: IssueGpSummaryUseCase) {}

  @EventPattern(ReferralCompletedV1.type)
  async onCompleted(@Payload() data: ReferralCompletedV1Data): Promise<void> {
    await this.issue.execute(factOf(data, false));
  }

  @EventPattern(ReferralRejectedV1.type)
  async onRejected(@Payload() data: ReferralRejectedV1Data): Promise<void> {
    await this.issue.execute(factOf(data, false));
  }

  @EventPattern(ReferralCancelledV1.type)
  async onCancelled(@Payload() data: ReferralCancelledV1Data): Promise<void> {
    await this.issue.execute(factOf(data, false));
  }

  @EventPattern(ReferralFailedV1.type)
  async onFailed(@Payload() data: ReferralFailedV1Data): Promise<void> {
    await this.issue.execute(factOf(data, false));
  }

  @EventPattern(ReferralExpiredV1.type)
  async onExpired(@Payload() data: ReferralExpiredV1Data): Promise<void> {
    await this.issue.execute(factOf(data, true));
  }
}
