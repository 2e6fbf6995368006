import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventContext } from '@sp/messaging';
import { PROJECTED_EVENT_TYPES } from '../domain/fact-updates';
import { ProjectEvent } from './project-event.use-case';

/**
 * The live projection: every lifecycle event the reports count, and the directory's capacity
 * changes, in the service's main consumer group. Handling service.capacity-changed subscribes the
 * group to the directory topic too; the transport acknowledges that topic's other event types
 * without decoding them (no handler).
 */
@Controller()
export class FactEventsConsumer {
  constructor(private readonly project: ProjectEvent) {}

  @EventPattern([...PROJECTED_EVENT_TYPES])
  async onEvent(@Payload() data: unknown, @Ctx() ctx: EventContext): Promise<void> {
    await this.project.execute({ id: ctx.envelope.id, type: ctx.envelope.type, data });
  }
}
