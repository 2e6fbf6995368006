import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NoticeChannels, type NoticeChannel } from '../dispatch/notice-channels';
import type { OrganisationNotice } from '../dispatch/organisation-notice';
import { ReferralEventTaps, type TappedReferralEvent } from '../dispatch/referral-event-taps';
import { DigestReferralsRepository } from './digest-referrals.repository';

/** Events that answer or end a referral: it no longer waits for the receiving organisation. */
const ANSWERS = new Set([
  'referral.accepted',
  'referral.rejected',
  'referral.started',
  'referral.completed',
  'referral.failed',
  'referral.cancelled',
  'referral.expired',
  'referral.entered-in-error',
  'referral.consent-withdrawn',
]);

/**
 * Feeds the digest's read model: the notices an organisation receives say which referrals are
 * addressed to it (the delivery worker has resolved the receiving organisation), the lifecycle
 * events say when they were answered and by when an answer is due.
 */
@Injectable()
export class DigestFeed implements NoticeChannel, OnModuleInit {
  readonly name = 'digest';

  constructor(
    private readonly channels: NoticeChannels,
    private readonly taps: ReferralEventTaps,
    private readonly referrals: DigestReferralsRepository,
  ) {}

  onModuleInit(): void {
    this.channels.register(this);
    this.taps.register((event) => this.onEvent(event));
  }

  async dispatch(notice: OrganisationNotice): Promise<void> {
    if (notice.kind === 'referral.submitted') {
      await this.referrals.addressed(notice.referralId, notice.organisationId, notice.occurredAt);
    } else if (notice.kind === 'referral.reminder-due') {
      await this.referrals.reminded(notice.referralId, notice.organisationId, notice.occurredAt);
    }
  }

  async onEvent(event: TappedReferralEvent): Promise<void> {
    const referralId = event.data['referralId'];
    if (typeof referralId !== 'string') return;
    const { submittedAt, respondBy, occurredAt } = event.data;
    if (
      event.kind === 'referral.reminder-due' &&
      typeof respondBy === 'string' &&
      typeof submittedAt === 'string'
    ) {
      await this.referrals.deadline(referralId, submittedAt, respondBy);
    } else if (ANSWERS.has(event.kind)) {
      await this.referrals.answered(
        referralId,
        typeof occurredAt === 'string' ? occurredAt : new Date().toISOString(),
      );
    }
  }
}
