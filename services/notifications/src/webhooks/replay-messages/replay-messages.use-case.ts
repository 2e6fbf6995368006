import type { Principal } from '@sp/identity';
import type { NotificationStatusRepository } from '../../notification-status/notification-status.repository';
import { writeScope } from '../manage-endpoints/manage-endpoints.use-case';
import { endpointDisabled, endpointNotFound, messageNotFound } from '../webhook.errors';
import type { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import type { WebhookMessageRepository } from '../webhook-message.repository';
import type { WebhookQueue } from '../webhook.queue';

/** At most this many failed messages are replayed by one `replay since` call. */
export const REPLAY_LIMIT = 10_000;

/**
 * Replay: one message, or every failed message since a time, sent again with the same
 * webhook-id (the receiver dedupes on it) on a fresh job with the full retry schedule.
 */
export class ReplayMessagesUseCase {
  constructor(
    private readonly endpoints: Pick<WebhookEndpointRepository, 'find'>,
    private readonly messages: Pick<
      WebhookMessageRepository,
      'findForEndpoint' | 'startReplay' | 'failedSince'
    >,
    private readonly queue: Pick<WebhookQueue, 'enqueue'>,
    private readonly status: Pick<NotificationStatusRepository, 'record'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async one(principal: Principal, endpointId: string, messageId: string): Promise<{ count: number }> {
    await this.enabledEndpoint(principal, endpointId);
    if (!(await this.messages.findForEndpoint(endpointId, messageId))) throw messageNotFound(messageId);
    await this.replay(endpointId, [messageId]);
    return { count: 1 };
  }

  async failedSince(principal: Principal, endpointId: string, since: Date): Promise<{ count: number }> {
    await this.enabledEndpoint(principal, endpointId);
    const ids = await this.messages.failedSince(endpointId, since, REPLAY_LIMIT);
    await this.replay(endpointId, ids);
    return { count: ids.length };
  }

  private async enabledEndpoint(principal: Principal, endpointId: string): Promise<void> {
    const endpoint = await this.endpoints.find(endpointId, writeScope(principal));
    if (!endpoint) throw endpointNotFound(endpointId);
    if (!endpoint.enabled) throw endpointDisabled(endpointId);
  }

  private async replay(endpointId: string, messageIds: string[]): Promise<void> {
    for (let i = 0; i < messageIds.length; i += 200) {
      const batch = messageIds.slice(i, i + 200);
      const jobs = await Promise.all(
        batch.map(async (messageId) => {
          const replay = await this.messages.startReplay(endpointId, messageId, this.clock());
          const message = await this.messages.findForEndpoint(endpointId, messageId);
          if (replay === undefined || !message) return undefined;
          await this.status.record({
            noticeId: message.noticeId,
            organisationId: message.organisationId,
            referralId: message.referralId,
            kind: message.kind,
            channel: 'webhook',
            target: endpointId,
            status: 'queued',
          });
          return {
            messageId,
            endpointId,
            replay,
            trace: { correlationId: messageId, causationId: message.noticeId },
          };
        }),
      );
      await this.queue.enqueue(jobs.filter((j) => j !== undefined));
    }
  }
}
