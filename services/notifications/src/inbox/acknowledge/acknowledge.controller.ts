import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import { acknowledgerOf, type InboxViewer } from '../domain/inbox-viewer';
import { inboxNoticesNotFound } from '../inbox.errors';
import { inboxItemView, type InboxItemView } from '../inbox-item.view';
import { InboxRepository } from '../inbox.repository';
import { AcknowledgeNoticesBodySchema, NoticeIdParamSchema } from './acknowledge.request';

const body = schemaValidator(AcknowledgeNoticesBodySchema);
const noticeId = schemaValidator(NoticeIdParamSchema);

function viewerOf(principal: Principal): InboxViewer {
  return {
    organisationId: principal.organisationId,
    ...(principal.person ? { personSub: principal.person.sub } : {}),
  };
}

/**
 * Acknowledging notices: a portal marks what it has dealt with, then lists `?unacknowledged=true`.
 * A notice the caller cannot see (another organisation's, a colleague's, no such id) is 404 and
 * nothing is acknowledged. Acknowledging twice is harmless: the first acknowledgement stays.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/inbox')
export class AcknowledgeController {
  constructor(private readonly inbox: InboxRepository) {}

  @Post('ack')
  @HttpCode(200)
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Acknowledge several notices of your inbox at once (all or none)' })
  @ApiNotFoundResponse({ description: 'One of the ids is not a notice in your inbox; nothing changed' })
  async acknowledgeMany(
    @CurrentPrincipal() principal: Principal,
    @Body() raw: unknown,
  ): Promise<{ items: InboxItemView[] }> {
    const { ids } = body.parse(raw, 'Invalid acknowledgement');
    return this.acknowledge(principal, ids, (id) => `ids[${ids.indexOf(id)}]`);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Acknowledge one notice of your inbox' })
  @ApiNotFoundResponse({ description: 'Not a notice in your inbox' })
  async acknowledgeOne(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<InboxItemView> {
    const valid = noticeId.parse(id, 'Invalid notice id');
    const { items } = await this.acknowledge(principal, [valid], () => 'id');
    return items[0]!;
  }

  private async acknowledge(
    principal: Principal,
    ids: string[],
    fieldOf: (id: string) => string,
  ): Promise<{ items: InboxItemView[] }> {
    const viewer = viewerOf(principal);
    const by = acknowledgerOf(viewer, principal.clientId);
    const result = await this.inbox.acknowledge(viewer, ids, by, new Date());
    if ('missing' in result) {
      throw inboxNoticesNotFound(result.missing.map((id) => ({ id, field: fieldOf(id) })));
    }
    return { items: result.notices.map(inboxItemView) };
  }
}
