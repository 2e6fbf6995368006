import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@sp/identity';
import { OpsQueues, type QueueOverview } from '../ops-queues';

/** Operators: every queue of the platform, its jobs per state and how long the oldest has waited. */
@ApiTags('ops')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'The caller does not have the ops role' })
@Roles('ops')
@Controller('v1/ops/queues')
export class QueueOverviewController {
  constructor(private readonly queues: OpsQueues) {}

  @Get()
  @ApiOperation({ summary: 'Every BullMQ queue of the platform: jobs per state, oldest waiting age' })
  async list(): Promise<{ items: QueueOverview[] }> {
    return {
      items: await Promise.all(this.queues.all().map(({ ref }) => this.queues.overview(ref.name))),
    };
  }
}
