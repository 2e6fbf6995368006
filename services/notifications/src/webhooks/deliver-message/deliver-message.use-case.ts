import type { NotificationStatusRepository } from '../../notification-status/notification-status.repository';
import { shouldDisableForFailures, verdictOf, type DisabledReason } from '../domain/delivery-rules';
import { delayAfter, type RetrySchedule } from '../domain/retry-schedule';
import { activeSecrets, signedHeaders } from '../domain/signing';
import type { EndpointDisabledNotifier } from '../endpoint-disabled.notifier';
import type { SecretBox } from '../secret-box';
import type { WebhookEndpointDocument } from '../webhook-endpoint.entity';
import type { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import type { WebhookMessageDocument, WebhookMessageRepository } from '../webhook-message.repository';
import type { SendResult, WebhookSender } from '../webhook-sender';

/** How the attempt ended: 'retry' asks the queue to run it again on the schedule. */
export type DeliveryResult = 'delivered' | 'retry' | 'failed' | 'gone' | 'skipped';

export interface DeliverMessageInput {
  messageId: string;
  endpointId: string;
  replay?: number;
}

/** Attempts of this job so far (0 on its first run) and how many it may make. */
export interface AttemptBudget {
  attemptsMade: number;
  maxAttempts: number;
}

export interface DeliveryPolicy {
  schedule: RetrySchedule;
  disableAfterMs: number;
}

/**
 * One attempt to deliver one message: sign with every active secret, POST, record the attempt and
 * the message's status, move the ledger (sent, then delivered or failed). 410 disables the
 * endpoint; an endpoint failing for longer than the limit is disabled; both tell the organisation.
 * The webhook-id is the message id, so a resend after a crash between POST and record is one the
 * receiver can recognise.
 */
export class DeliverMessageUseCase {
  constructor(
    private readonly endpoints: Pick<
      WebhookEndpointRepository,
      'findForDelivery' | 'recordFailure' | 'recordSuccess' | 'disable'
    >,
    private readonly messages: Pick<
      WebhookMessageRepository,
      'find' | 'startAttempt' | 'recordAttempt' | 'markDelivered' | 'markRetrying' | 'markFailed'
    >,
    private readonly status: Pick<NotificationStatusRepository, 'record'>,
    private readonly sender: Pick<WebhookSender, 'post'>,
    private readonly box: Pick<SecretBox, 'open'>,
    private readonly notifier: EndpointDisabledNotifier,
    private readonly policy: DeliveryPolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(input: DeliverMessageInput, budget: AttemptBudget): Promise<DeliveryResult> {
    const message = await this.messages.find(input.messageId);
    if (!message) return 'skipped'; // its endpoint was deleted, or it aged out
    if (message.status === 'delivered' && input.replay === undefined) return 'skipped';
    const endpoint = await this.endpoints.findForDelivery(input.endpointId);
    if (!endpoint || !endpoint.enabled) {
      const reason = endpoint
        ? `endpoint-disabled:${endpoint.disabledReason ?? 'disabled'}`
        : 'endpoint-deleted';
      await this.fail(message, reason);
      return 'failed';
    }

    const started = this.clock();
    const attempt = await this.messages.startAttempt(message._id, started);
    await this.ledger(message, 'sent');
    const secrets = activeSecrets(endpoint.secrets, started).map((s) =>
      this.box.open(s.sealed, endpoint._id),
    );
    const result = await this.sender.post(
      endpoint.url,
      message.body,
      signedHeaders(message._id, started, message.body, secrets),
    );
    const now = this.clock();
    const record = (status: 'succeeded' | 'failed', nextAttemptAt?: Date) =>
      this.messages.recordAttempt({
        _id: `${message._id}-${attempt}`,
        endpointId: endpoint._id,
        organisationId: endpoint.organisationId,
        messageId: message._id,
        attempt,
        at: started,
        latencyMs: result.latencyMs,
        status,
        ...(result.status !== undefined ? { responseStatus: result.status } : {}),
        ...(result.error !== undefined ? { error: result.error } : {}),
        ...(nextAttemptAt ? { nextAttemptAt } : {}),
      });

    switch (verdictOf(result.status)) {
      case 'delivered':
        await record('succeeded');
        await this.messages.markDelivered(message._id, now);
        await this.endpoints.recordSuccess(endpoint._id, now);
        await this.ledger(message, 'delivered');
        return 'delivered';
      case 'gone':
        await record('failed');
        await this.disable(endpoint, 'gone', now, now);
        await this.fail(message, 'gone');
        return 'gone';
      case 'retry':
        return this.afterFailure(endpoint, message, result, budget, now, record);
    }
  }

  private async afterFailure(
    endpoint: WebhookEndpointDocument,
    message: WebhookMessageDocument,
    result: SendResult,
    budget: AttemptBudget,
    now: Date,
    record: (status: 'failed', nextAttemptAt?: Date) => Promise<void>,
  ): Promise<DeliveryResult> {
    const reason = result.status !== undefined ? `http-${result.status}` : (result.error ?? 'error');
    const failing = await this.endpoints.recordFailure(endpoint._id, now);
    const since = failing?.failingSince ?? now;
    if (shouldDisableForFailures(since, now, this.policy.disableAfterMs)) {
      await record('failed');
      await this.disable(endpoint, 'failing', since, now);
      await this.fail(message, `endpoint-disabled:failing (${reason})`);
      return 'failed';
    }
    const delay =
      budget.attemptsMade + 1 < budget.maxAttempts
        ? delayAfter(this.policy.schedule, budget.attemptsMade + 1)
        : undefined;
    if (delay === undefined) {
      await record('failed');
      await this.fail(message, reason);
      return 'failed';
    }
    const next = new Date(now.getTime() + delay);
    await record('failed', next);
    await this.messages.markRetrying(message._id, next, now);
    return 'retry';
  }

  private async disable(
    endpoint: WebhookEndpointDocument,
    reason: DisabledReason,
    since: Date,
    now: Date,
  ): Promise<void> {
    const disabled = await this.endpoints.disable(endpoint._id, reason, now);
    if (!disabled) return; // already disabled: told once, by whoever disabled it
    await this.notifier.endpointDisabled({
      organisationId: endpoint.organisationId,
      endpointId: endpoint._id,
      endpointUrl: endpoint.url,
      reason,
      since,
      disabledAt: disabled.disabledAt ?? now,
    });
  }

  private async fail(message: WebhookMessageDocument, reason: string): Promise<void> {
    await this.messages.markFailed(message._id, reason, this.clock());
    await this.ledger(message, 'failed', reason);
  }

  private ledger(
    message: WebhookMessageDocument,
    status: 'sent' | 'delivered' | 'failed',
    reason?: string,
  ): Promise<void> {
    return this.status.record({
      noticeId: message.noticeId,
      organisationId: message.organisationId,
      referralId: message.referralId,
      kind: message.kind,
      channel: 'webhook',
      target: message.endpointId,
      status,
      ...(reason ? { reason } : {}),
    });
  }
}
