import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { RedisConnections } from '@sp/service-kit';
import { FailedJobsController } from './failed-jobs/failed-jobs.controller';
import { OpsQueues } from './ops-queues';
import { QueueMetrics } from './queue-metrics';
import { QueueOverviewController } from './queue-overview/queue-overview.controller';
import { BoardAuth } from './queue-board/board-auth';
import { BoardQueues } from './queue-board/board-queues';
import { BoardSessionController } from './queue-board/board-session.controller';
import { BOARD_ROUTE, BoardSessions } from './queue-board/board-sessions';

/**
 * Operations: every BullMQ queue of the platform (overview, failed jobs and retries, the bull-board
 * dashboard at /ops/queues behind BoardAuth) and the queue and send metrics. Ops role only. Its
 * own Redis connections: operators' reads never queue behind the service's job traffic.
 */
@Module({
  controllers: [QueueOverviewController, FailedJobsController, BoardSessionController],
  providers: [RedisConnections, OpsQueues, QueueMetrics, BoardSessions, BoardAuth, BoardQueues],
  exports: [OpsQueues],
})
export class OpsModule implements NestModule {
  constructor(
    private readonly auth: BoardAuth,
    private readonly board: BoardQueues,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.auth.middleware, this.board.adapter.getRouter()).forRoutes(BOARD_ROUTE);
  }
}
