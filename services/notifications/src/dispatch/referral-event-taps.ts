import { Injectable } from '@nestjs/common';
import type { NoticeTrace } from './organisation-notice';

/** A referral lifecycle event as consumed, before routing decides which organisations hear of it. */
export interface TappedReferralEvent {
  /** Event name, e.g. 'referral.submitted'. */
  kind: string;
  eventId: string;
  /** CloudEvents type (the contract's type). */
  eventType: string;
  /** The event's data, validated against its contract by the consumer transport. */
  data: Record<string, unknown>;
  trace: NoticeTrace;
}

export type ReferralEventTap = (event: TappedReferralEvent) => Promise<void>;

/**
 * Features that act on referral events themselves rather than on organisation notices (patient
 * notices, the referral register behind onward outcomes and digests) register a tap. The consumer
 * calls every tap for every referral event, before it acknowledges it: a tap must be idempotent
 * (events arrive at least once) and fast (enqueue work; never call out).
 */
@Injectable()
export class ReferralEventTaps {
  private readonly taps: ReferralEventTap[] = [];

  register(tap: ReferralEventTap): void {
    this.taps.push(tap);
  }

  async publish(event: TappedReferralEvent): Promise<void> {
    await Promise.all(this.taps.map((tap) => tap(event)));
  }
}
