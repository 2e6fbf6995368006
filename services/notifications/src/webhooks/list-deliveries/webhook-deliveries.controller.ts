import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from '@sinclair/typebox';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import { ManageEndpointsUseCase } from '../manage-endpoints/manage-endpoints.use-case';
import { ReplayMessagesUseCase } from '../replay-messages/replay-messages.use-case';
import {
  decodeCursor,
  WebhookMessageRepository,
  type AttemptStatus,
  type MessageStatus,
} from '../webhook-message.repository';

const ReplaySinceSchema = Type.Object(
  {
    since: Type.String({
      format: 'date-time',
      description: 'Replay every failed message created since then',
    }),
  },
  { additionalProperties: false },
);
const replaySince = schemaValidator(ReplaySinceSchema);

interface AttemptView {
  id: string;
  messageId: string;
  attempt: number;
  at: string;
  latencyMs: number;
  status: AttemptStatus;
  responseStatus?: number;
  error?: string;
  nextAttemptAt?: string;
}

interface MessageView {
  id: string;
  type: string;
  referralId: string;
  status: MessageStatus;
  attempts: number;
  failureReason?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
  createdAt: string;
}

function pageQuery<S extends string>(
  statuses: readonly S[],
  status: string | undefined,
  cursor: string | undefined,
  limitText: string | undefined,
) {
  const problems: FieldProblem[] = [];
  if (status !== undefined && !(statuses as readonly string[]).includes(status)) {
    problems.push({
      field: 'status',
      code: 'not_allowed',
      message: `status must be one of: ${statuses.join(', ')}`,
    });
  }
  const position = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !position) {
    problems.push({
      field: 'cursor',
      code: 'invalid',
      message: 'cursor must be a nextCursor this API returned',
    });
  }
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    problems.push({
      field: 'limit',
      code: 'out_of_range',
      message: 'limit must be an integer from 1 to 500',
    });
  }
  if (problems.length > 0) throw new ValidationError('Invalid query', problems);
  return { ...(status ? { status: status as S } : {}), ...(position ? { cursor: position } : {}), limit };
}

/** What happened to an endpoint's deliveries: attempts, messages; replay of failures. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints/:id')
export class WebhookDeliveriesController {
  constructor(
    private readonly manage: ManageEndpointsUseCase,
    private readonly messages: WebhookMessageRepository,
    private readonly replays: ReplayMessagesUseCase,
  ) {}

  @Get('attempts')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'Every delivery attempt, newest first (status succeeded|failed, cursor, limit 1-500, messageId)',
  })
  async attempts(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('status') status?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('messageId') messageId?: string,
  ): Promise<{ items: AttemptView[]; nextCursor?: string }> {
    const query = pageQuery(['succeeded', 'failed'] as const, status, cursor, limit);
    const endpoint = await this.manage.get(principal, id);
    const page = await this.messages.listAttempts(endpoint._id, {
      ...query,
      ...(messageId ? { messageId } : {}),
    });
    return {
      items: page.items.map((a) => ({
        id: a._id,
        messageId: a.messageId,
        attempt: a.attempt,
        at: a.at.toISOString(),
        latencyMs: a.latencyMs,
        status: a.status,
        ...(a.responseStatus !== undefined ? { responseStatus: a.responseStatus } : {}),
        ...(a.error !== undefined ? { error: a.error } : {}),
        ...(a.nextAttemptAt ? { nextAttemptAt: a.nextAttemptAt.toISOString() } : {}),
      })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  @Get('messages')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'Messages sent to the endpoint, newest first (status pending|delivered|failed, cursor, limit)',
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('status') status?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: MessageView[]; nextCursor?: string }> {
    const query = pageQuery(['pending', 'delivered', 'failed'] as const, status, cursor, limit);
    const endpoint = await this.manage.get(principal, id);
    const page = await this.messages.listMessages(endpoint._id, query);
    return {
      items: page.items.map((m) => ({
        id: m._id,
        type: m.kind,
        referralId: m.referralId,
        status: m.status,
        attempts: m.attempts,
        ...(m.failureReason ? { failureReason: m.failureReason } : {}),
        ...(m.nextAttemptAt ? { nextAttemptAt: m.nextAttemptAt.toISOString() } : {}),
        ...(m.deliveredAt ? { deliveredAt: m.deliveredAt.toISOString() } : {}),
        createdAt: m.createdAt.toISOString(),
      })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  @Post('messages/:messageId/replay')
  @HttpCode(202)
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({ summary: 'Send one message again, with the same webhook-id' })
  replayOne(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
  ): Promise<{ count: number }> {
    return this.replays.one(principal, id, messageId);
  }

  @Post('replay')
  @HttpCode(202)
  @Roles('referrer', 'link-worker', 'provider')
  @ApiOperation({ summary: 'Send again every failed message since a time; answers how many' })
  @ApiBody({ schema: ReplaySinceSchema as unknown as Record<string, unknown> })
  replaySince(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<{ count: number }> {
    const { since } = replaySince.parse(body);
    return this.replays.failedSince(principal, id, new Date(since));
  }
}
