import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NoticeChannels, type NoticeChannel } from '../../dispatch/notice-channels';
import type { OrganisationNotice } from '../../dispatch/organisation-notice';
import { NotificationStatusRepository } from '../../notification-status/notification-status.repository';
import { PartnerStreamRepository } from '../partner-stream.repository';
import { PartnerStreamQueue } from './partner-stream.queue';

/**
 * The partner-stream channel: a notice for an organisation with an active stream becomes a job
 * that produces it to the organisation's topic (the worker). Organisations without a stream are
 * not told this way, and their notices leave no entry on this channel.
 */
@Injectable()
export class PartnerStreamChannel implements NoticeChannel, OnModuleInit {
  readonly name = 'partner-stream';

  constructor(
    private readonly channels: NoticeChannels,
    private readonly streams: PartnerStreamRepository,
    private readonly queue: PartnerStreamQueue,
    private readonly statuses: NotificationStatusRepository,
  ) {}

  onModuleInit(): void {
    this.channels.register(this);
  }

  async dispatch(notice: OrganisationNotice): Promise<void> {
    const stream = await this.streams.findActive(notice.organisationId);
    if (!stream) return;
    if (!(await this.queue.enqueue({ notice, topic: stream.topic }))) return;
    await this.statuses.record({
      noticeId: notice.id,
      organisationId: notice.organisationId,
      referralId: notice.referralId,
      kind: notice.kind,
      channel: 'partner-stream',
      target: stream.topic,
      status: 'queued',
    });
  }
}
