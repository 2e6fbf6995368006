import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@sp/errors';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import { decodeInboxCursor, encodeInboxCursor } from '../domain/inbox-cursor';
import { inboxItemView, type InboxItemView } from '../inbox-item.view';
import { InboxRepository } from '../inbox.repository';
import { ListInboxQuerySchema } from './list-inbox.request';

const query = schemaValidator(ListInboxQuerySchema);

/**
 * An organisation's own notifications, newest first, a page at a time. A signed-in person sees the
 * organisation's notifications and their own (a handover addressed to them), not those addressed to
 * a colleague. `nextCursor` is present while there may be more.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/inbox')
export class ListInboxController {
  constructor(private readonly inbox: InboxRepository) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: "The caller's organisation inbox (id-only notifications; read details from the referrals API)",
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 50' })
  @ApiQuery({
    name: 'unacknowledged',
    required: false,
    enum: ['true', 'false'],
    description: 'true: only notices nobody has acknowledged yet',
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
  ): Promise<{ items: InboxItemView[]; nextCursor?: string }> {
    const q = query.parse(raw, 'Invalid query');
    const after = q.cursor === undefined ? undefined : decodeInboxCursor(q.cursor);
    if (q.cursor !== undefined && after === undefined) {
      throw new ValidationError('Invalid query', [
        { field: 'cursor', code: 'invalid', message: 'cursor is not one this API returned' },
      ]);
    }
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    const items = await this.inbox.page({
      viewer: {
        organisationId: principal.organisationId,
        ...(principal.person ? { personSub: principal.person.sub } : {}),
      },
      limit,
      ...(after ? { after } : {}),
      unacknowledgedOnly: q.unacknowledged === 'true',
    });
    const last = items.at(-1);
    return {
      items: items.map(inboxItemView),
      ...(items.length === limit && last
        ? { nextCursor: encodeInboxCursor({ deliveredAt: last.deliveredAt, id: last._id }) }
        : {}),
    };
  }
}
