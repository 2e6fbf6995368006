import { Injectable } from '@nestjs/common';
import { counter } from '@sp/observability';

/** A send attempt's result on one channel (a retry that will be tried again counts as 'retrying'). */
export type SendOutcome = 'queued' | 'sent' | 'delivered' | 'failed' | 'suppressed' | 'retrying';

const sent = counter<'channel' | 'outcome'>({
  name: 'sp_notifications_sent_total',
  help: 'Notification sends per channel (inbox, email, sms, webhook, partner-stream, digest) and outcome',
  labelNames: ['channel', 'outcome'],
});

/**
 * Sends by channel and outcome, for Prometheus. The status ledger (NotificationStatusRepository
 * .record) counts each status it records; a channel that keeps no status counts here itself.
 * Labels are codes only: never an address, an organisation or a referral.
 */
@Injectable()
export class NotificationMetrics {
  count(channel: string, outcome: SendOutcome): void {
    sent.inc({ channel, outcome });
  }
}
