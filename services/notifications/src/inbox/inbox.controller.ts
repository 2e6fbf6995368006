import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@sp/errors';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { InboxRepository } from './inbox.repository';

interface InboxItemView {
  id: string;
  kind: string;
  referralId: string;
  /** Present when the notification is for one person (their subject identifier). */
  recipientPersonSub?: string;
  action?: string;
  reasonCode?: string;
  occurredAt: string;
  deliveredAt: string;
}

/**
 * An organisation's own notifications, newest first. A signed-in person sees the organisation's
 * notifications and their own (a handover addressed to them), not those addressed to a colleague.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/inbox')
export class InboxController {
  constructor(private readonly inbox: InboxRepository) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: "The caller's organisation inbox (id-only notifications; read details from the referrals API)",
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('limit') limitText?: string,
  ): Promise<{ items: InboxItemView[] }> {
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new ValidationError('Invalid query', [
        { field: 'limit', code: 'out_of_range', message: 'limit must be an integer from 1 to 500' },
      ]);
    }
    const items = await this.inbox.forOrganisation(principal.organisationId, limit, principal.person?.sub);
    return {
      items: items.map((n) => ({
        id: n._id,
        kind: n.kind,
        referralId: n.referralId,
        ...(n.recipientPersonSub ? { recipientPersonSub: n.recipientPersonSub } : {}),
        ...(n.action ? { action: n.action } : {}),
        ...(n.reasonCode ? { reasonCode: n.reasonCode } : {}),
        occurredAt: n.occurredAt,
        deliveredAt: n.deliveredAt.toISOString(),
      })),
    };
  }
}
