import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NoticeChannels, type NoticeChannel } from '../../dispatch/notice-channels';
import type { OrganisationNotice } from '../../dispatch/organisation-notice';
import { NotificationStatusRepository } from '../../notification-status/notification-status.repository';
import { isSubscribed, messageIdFor, payloadFor } from '../domain/webhook-message';
import { WebhookEndpointRepository } from '../webhook-endpoint.repository';
import { WebhookMessageRepository } from '../webhook-message.repository';
import { WebhookQueue } from '../webhook.queue';

/**
 * The 'webhook' notice channel: one message (and one job) per notice and subscribed endpoint of
 * the notice's organisation. Idempotent: the message id, and so the job id, is derived from the
 * notice and the endpoint; a redelivered notice creates nothing and adds no job.
 */
@Injectable()
export class WebhookNoticeChannel implements NoticeChannel, OnModuleInit {
  readonly name = 'webhook';

  constructor(
    private readonly channels: NoticeChannels,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly messages: WebhookMessageRepository,
    private readonly queue: WebhookQueue,
    private readonly status: NotificationStatusRepository,
  ) {}

  onModuleInit(): void {
    this.channels.register(this);
  }

  async dispatch(notice: OrganisationNotice): Promise<void> {
    const endpoints = (await this.endpoints.enabledFor(notice.organisationId)).filter((e) =>
      isSubscribed(e, notice.kind),
    );
    if (endpoints.length === 0) return;
    const body = JSON.stringify(payloadFor(notice));
    const now = new Date();
    const messages = await Promise.all(
      endpoints.map(async (endpoint) => {
        const messageId = messageIdFor(notice.id, endpoint._id);
        const outcome = await this.messages.create({
          _id: messageId,
          endpointId: endpoint._id,
          organisationId: notice.organisationId,
          noticeId: notice.id,
          kind: notice.kind,
          referralId: notice.referralId,
          body,
          status: 'pending',
          attempts: 0,
          replays: 0,
          createdAt: now,
          updatedAt: now,
        });
        // Only a new message is queued in the ledger: a redelivered notice must not move a
        // delivered one back.
        if (outcome === 'created') {
          await this.status.record({
            noticeId: notice.id,
            organisationId: notice.organisationId,
            referralId: notice.referralId,
            kind: notice.kind,
            channel: 'webhook',
            target: endpoint._id,
            status: 'queued',
          });
        }
        return { messageId, endpointId: endpoint._id };
      }),
    );
    // Always added (a job id already present adds nothing): a crash after the message was created
    // and before its job was added is repaired by the notice's retry.
    await this.queue.enqueue(messages.map((m) => ({ ...m, trace: notice.trace })));
  }
}
