import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@sp/errors';
import { assertSameOrganisation, CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import { decodeCursor, encodeCursor } from '../domain/status-cursor';
import type { DeliveryChannel, DeliveryStatus } from '../domain/delivery-status';
import {
  NotificationStatusRepository,
  type NotificationStatusDocument,
} from '../notification-status.repository';
import { ListNotificationsQuerySchema } from './list-notifications.request';

const query = schemaValidator(ListNotificationsQuerySchema);

export interface NotificationStatusView {
  noticeId: string;
  organisationId: string;
  referralId?: string;
  kind: string;
  channel: string;
  target: string;
  status: string;
  reason?: string;
  createdAt: string;
  updatedAt: string;
  history: { status: string; reason?: string; at: string }[];
}

function view(d: NotificationStatusDocument): NotificationStatusView {
  return {
    noticeId: d.noticeId,
    organisationId: d.organisationId,
    ...(d.referralId ? { referralId: d.referralId } : {}),
    kind: d.kind,
    channel: d.channel,
    target: d.target,
    status: d.status,
    ...(d.reason ? { reason: d.reason } : {}),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    history: d.history.map((h) => ({
      status: h.status,
      ...(h.reason ? { reason: h.reason } : {}),
      at: h.at.toISOString(),
    })),
  };
}

/**
 * The status of notifications per channel: an organisation lists those addressed to it; operations
 * list everyone's (or one organisation's with `organisationId`).
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/notifications')
export class ListNotificationsController {
  constructor(private readonly statuses: NotificationStatusRepository) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Notifications and their status per channel (queued, sent, delivered, failed, suppressed), newest first',
  })
  @ApiQuery({
    name: 'channel',
    required: false,
    enum: ['inbox', 'email', 'sms', 'webhook', 'partner-stream', 'digest'],
  })
  @ApiQuery({
    name: 'status',
    required: false,
    enum: ['queued', 'sent', 'delivered', 'failed', 'suppressed'],
  })
  @ApiQuery({ name: 'referralId', required: false })
  @ApiQuery({ name: 'kind', required: false, description: "Event kind, e.g. 'referral.submitted'" })
  @ApiQuery({ name: 'organisationId', required: false, description: 'Operations only' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 50' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
  ): Promise<{ items: NotificationStatusView[]; nextCursor?: string }> {
    const q = query.parse(raw, 'Invalid query');
    // Another organisation's list: operations only (403 otherwise).
    if (q.organisationId !== undefined) assertSameOrganisation(principal, q.organisationId);
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && before === undefined) {
      throw new ValidationError('Invalid query', [
        { field: 'cursor', code: 'invalid', message: 'cursor is not one this API returned' },
      ]);
    }
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    const organisationId = principal.role === 'ops' ? q.organisationId : principal.organisationId;
    const items = await this.statuses.list({
      ...(organisationId ? { organisationId } : {}),
      ...(q.channel ? { channel: q.channel as DeliveryChannel } : {}),
      ...(q.status ? { status: q.status as DeliveryStatus } : {}),
      ...(q.referralId ? { referralId: q.referralId } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(before ? { before } : {}),
      limit,
    });
    const last = items.at(-1);
    return {
      items: items.map(view),
      ...(items.length === limit && last
        ? { nextCursor: encodeCursor({ createdAt: last.createdAt, id: last._id }) }
        : {}),
    };
  }
}
