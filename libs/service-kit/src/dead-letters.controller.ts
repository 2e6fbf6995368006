import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { Roles } from '@sp/identity';
import { DeadLetterAdmin, type DeadLetterDetail, type DeadLetterEntry } from '@sp/messaging';

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const NUMBER = /^\d{1,19}$/;
const MAX_LIMIT = 500;

function check(problems: FieldProblem[], field: string, ok: boolean, message: string): void {
  if (!ok) problems.push({ field, code: 'invalid', message });
}

function coordinates(
  topic: string,
  partition: string,
  offset: string,
): { topic: string; partition: number; offset: string } {
  const problems: FieldProblem[] = [];
  check(
    problems,
    'topic',
    TOPIC.test(topic) && topic.endsWith('.dlq'),
    'must be a dead-letter topic name ending in .dlq',
  );
  check(problems, 'partition', /^\d{1,6}$/.test(partition), 'must be a non-negative integer');
  check(problems, 'offset', NUMBER.test(offset), 'must be a non-negative integer');
  if (problems.length > 0) throw new ValidationError(problems);
  return { topic, partition: Number(partition), offset };
}

/**
 * Operator endpoints over the dead-letter topics of every consumer in the platform (the same
 * DeadLetterAdmin the dlq CLI uses). Replay re-publishes the original record to its original topic;
 * consumers dedupe by event id, so a replay of something already handled is harmless.
 */
@ApiTags('ops')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid access token' })
@ApiForbiddenResponse({ description: 'The caller does not have the ops role' })
@Roles('ops')
@Controller('ops/dead-letters')
export class DeadLettersController implements OnApplicationShutdown {
  constructor(@Inject(DeadLetterAdmin) private readonly admin: DeadLetterAdmin) {}

  @Get()
  @ApiOperation({ summary: 'List dead letters, oldest first per partition' })
  @ApiQuery({
    name: 'topic',
    required: false,
    description: 'A dead-letter topic (x.dlq) or its source topic (x); default all',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: `At most this many entries (1-${MAX_LIMIT}, default 100)`,
  })
  @ApiOkResponse({ description: 'Dead-letter entries with their failure reason and original coordinates' })
  async list(
    @Query('topic') topic?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: DeadLetterEntry[] }> {
    const problems: FieldProblem[] = [];
    if (topic !== undefined) check(problems, 'topic', TOPIC.test(topic), 'must be a topic name');
    if (limit !== undefined) {
      check(
        problems,
        'limit',
        /^\d{1,4}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_LIMIT,
        `must be an integer from 1 to ${MAX_LIMIT}`,
      );
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const opts: { topic?: string; limit?: number } = {};
    if (topic !== undefined) opts.topic = topic;
    if (limit !== undefined) opts.limit = Number(limit);
    return { items: await this.admin.list(opts) };
  }

  @Get(':topic/:partition/:offset')
  @ApiOperation({
    summary: 'Inspect one dead letter: headers, payload and whether it passes its contract today',
  })
  @ApiParam({ name: 'topic', description: 'Dead-letter topic, e.g. sp.referrals.lifecycle.v1.dlq' })
  @ApiParam({ name: 'partition' })
  @ApiParam({ name: 'offset' })
  @ApiOkResponse({ description: 'The dead letter' })
  @ApiNotFoundResponse({ description: 'No record at these coordinates' })
  async inspect(
    @Param('topic') topic: string,
    @Param('partition') partition: string,
    @Param('offset') offset: string,
  ): Promise<DeadLetterDetail> {
    const at = coordinates(topic, partition, offset);
    return this.admin.inspect(at.topic, at.partition, at.offset);
  }

  @Post(':topic/:partition/:offset/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-publish a dead letter to its original topic' })
  @ApiParam({ name: 'topic', description: 'Dead-letter topic, e.g. sp.referrals.lifecycle.v1.dlq' })
  @ApiParam({ name: 'partition' })
  @ApiParam({ name: 'offset' })
  @ApiOkResponse({
    description: 'Where the record was re-published',
    schema: { type: 'object', properties: { republishedTo: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: 'No record at these coordinates' })
  async replay(
    @Param('topic') topic: string,
    @Param('partition') partition: string,
    @Param('offset') offset: string,
  ): Promise<{ republishedTo: string }> {
    const at = coordinates(topic, partition, offset);
    return this.admin.replay(at.topic, at.partition, at.offset);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.close();
  }
}
