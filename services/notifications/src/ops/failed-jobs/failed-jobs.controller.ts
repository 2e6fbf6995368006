import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ValidationError } from '@sp/errors';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { SERVICE_LOGGER } from '@sp/service-kit';
import { schemaValidator } from '@sp/validation';
import { Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { decodeFailedCursor, encodeFailedCursor } from '../domain/failed-cursor';
import { OpsQueues, type FailedJobView } from '../ops-queues';
import { jobNotFailed, jobNotFound, queueNotFound } from './failed-jobs.errors';
import { FailedJobsQuerySchema, JobIdSchema } from './failed-jobs.request';

const query = schemaValidator(FailedJobsQuerySchema);
const jobId = schemaValidator(JobIdSchema);

/**
 * Operators: the jobs that used up their attempts, and retrying them (one, or all of a queue's).
 * A retried job runs again with a fresh set of attempts; jobs are idempotent per event, recipient
 * and channel, so a retry of something that did happen changes nothing.
 */
@ApiTags('ops')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'The caller does not have the ops role' })
@ApiNotFoundResponse({ description: 'No such queue (or job)' })
@Roles('ops')
@Controller('v1/ops/queues/:name')
export class FailedJobsController {
  constructor(
    private readonly queues: OpsQueues,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Get('failed')
  @ApiOperation({ summary: "A queue's failed jobs, most recent failure first (reason, attempts, ids)" })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 50' })
  async failed(
    @Param('name') name: string,
    @Query() raw: Record<string, unknown>,
  ): Promise<{ items: FailedJobView[]; nextCursor?: string }> {
    this.queue(name);
    const q = query.parse(raw, 'Invalid query');
    const after = q.cursor === undefined ? undefined : decodeFailedCursor(q.cursor);
    if (q.cursor !== undefined && after === undefined) {
      throw new ValidationError('Invalid query', [
        { field: 'cursor', code: 'invalid', message: 'cursor is not one this API returned' },
      ]);
    }
    const page = await this.queues.failed(name, q.limit === undefined ? 50 : Number(q.limit), after);
    return { items: page.items, ...(page.next ? { nextCursor: encodeFailedCursor(page.next) } : {}) };
  }

  @Post('jobs/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry one failed job' })
  @ApiConflictResponse({ description: 'The job is not failed' })
  async retry(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('id') id: string,
  ): Promise<{ id: string; state: string }> {
    const queue = this.queue(name);
    const valid = jobId.parse(id, 'Invalid job id');
    const job = await Job.fromId(queue, valid);
    if (!job) throw jobNotFound(name, valid);
    const state = await job.getState();
    if (state !== 'failed') throw jobNotFailed(name, valid, state);
    await job.retry('failed');
    // Who repaired what, for the record (ids only: job ids carry event and organisation ids).
    this.logger.info({ queue: name, jobId: valid, by: principal.clientId }, 'ops retried a failed job');
    return { id: valid, state: await job.getState() };
  }

  @Post('retry-failed')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry every failed job of a queue' })
  async retryAll(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
  ): Promise<{ retried: number }> {
    const queue = this.queue(name);
    const retried = await queue.getFailedCount();
    await queue.retryJobs({ state: 'failed', count: 1000 });
    this.logger.info({ queue: name, retried, by: principal.clientId }, "ops retried a queue's failed jobs");
    return { retried };
  }

  private queue(name: string): Queue {
    const found = this.queues.find(name);
    if (!found) throw queueNotFound(name);
    return found.queue;
  }
}
