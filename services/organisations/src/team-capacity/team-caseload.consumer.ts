import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TeamCaseloadChangedV1, type TeamCaseloadChangedV1Data } from '@sp/contracts';
import type { EventContext } from '@sp/messaging';
import { recordIdOf } from '../hsds/domain/record-ids';
import { ServiceSignalsUpdater } from '../signals/service-signals.updater';

/**
 * team.caseload-changed (Topics.teams, keyed by organisation) -> the team's headroom -> the
 * capacity of the organisation's services. Idempotent and ordered by teamVersion: see
 * ServiceSignalsUpdater.onTeamCaseload.
 */
@Controller()
export class TeamCaseloadConsumer {
  constructor(private readonly updater: ServiceSignalsUpdater) {}

  @EventPattern(TeamCaseloadChangedV1.type)
  async onTeamCaseloadChanged(
    @Payload() d: TeamCaseloadChangedV1Data,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.updater.onTeamCaseload(ctx.envelope.id, {
      ...d,
      // An organisation named by slug (made before directory ids were UUIDs) has a derived UUID.
      organisationId: recordIdOf('organizations', d.organisationId),
    });
  }
}
