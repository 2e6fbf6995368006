import type { Provider, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { OutboxRelay } from '@sp/messaging';
import { SERVICE_CONFIG } from '@sp/service-kit';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { ReferralAccessPolicy } from '../referrals/referral-access.policy';
import { ReferralRepository } from '../referrals/referral.repository';
import type { ServiceConfig } from '../service.config';
import { AssignReferralUseCase } from './assign-referral/assign-referral.use-case';
import { CaseloadController } from './caseload.controller';
import { CaseloadRepository } from './caseload.repository';
import { QueryCaseloadUseCase } from './query-caseload/query-caseload.use-case';
import { ListTeamUseCase } from './roster/list-team.use-case';
import { RosterInterceptor } from './roster/roster.interceptor';
import { TeamRosterRepository } from './roster/team-roster.repository';
import { SetCaseloadLimitUseCase } from './set-caseload-limit/set-caseload-limit.use-case';
import { ReferralClosedTeamConsumer } from './team-figures/referral-closed-team.consumer';
import { RefreshTeamFiguresUseCase } from './team-figures/refresh-team-figures.use-case';
import { TEAMS_COLLECTION, TeamRepository } from './team-figures/team.repository';

/**
 * Team roster, caseload limits, assignment and handover, caseload queries and team figures. Add
 * both arrays to the referrals AppModule, and CASELOAD_OUTBOX_COLLECTION to the outbox relay's
 * collections (the team figures are published from the teams' own outbox, to Topics.teams,
 * which main.ts creates at boot). The closing events are read from the lifecycle topic the
 * service already consumes.
 */
export const caseloadControllers: Type<unknown>[] = [CaseloadController, ReferralClosedTeamConsumer];

export const CASELOAD_OUTBOX_COLLECTION = TEAMS_COLLECTION;

export const caseloadProviders: Provider[] = [
  TeamRosterRepository,
  CaseloadRepository,
  TeamRepository,
  { provide: APP_INTERCEPTOR, useClass: RosterInterceptor },
  {
    provide: AssignReferralUseCase,
    inject: [
      ReferralRepository,
      ReferralAccessPolicy,
      TeamRosterRepository,
      CaseloadRepository,
      TeamRepository,
      AuditLogRepository,
      OutboxRelay,
    ],
    useFactory: (
      referrals: ReferralRepository,
      access: ReferralAccessPolicy,
      roster: TeamRosterRepository,
      caseload: CaseloadRepository,
      teams: TeamRepository,
      audit: AuditLogRepository,
      relay: OutboxRelay,
    ) => new AssignReferralUseCase(referrals, access, roster, caseload, teams, audit, relay),
  },
  {
    provide: SetCaseloadLimitUseCase,
    inject: [ReferralRepository, TeamRosterRepository, TeamRepository, OutboxRelay],
    useFactory: (
      referrals: ReferralRepository,
      roster: TeamRosterRepository,
      teams: TeamRepository,
      relay: OutboxRelay,
    ) => new SetCaseloadLimitUseCase(referrals, roster, teams, relay),
  },
  {
    provide: QueryCaseloadUseCase,
    inject: [CaseloadRepository, AuditLogRepository, SERVICE_CONFIG],
    useFactory: (caseload: CaseloadRepository, audit: AuditLogRepository, config: ServiceConfig) =>
      new QueryCaseloadUseCase(caseload, audit, { firstContactTargetDays: config.FIRST_CONTACT_TARGET_DAYS }),
  },
  {
    provide: ListTeamUseCase,
    inject: [TeamRosterRepository, CaseloadRepository],
    useFactory: (roster: TeamRosterRepository, caseload: CaseloadRepository) =>
      new ListTeamUseCase(roster, caseload),
  },
  {
    provide: RefreshTeamFiguresUseCase,
    inject: [ReferralRepository, TeamRepository, OutboxRelay],
    useFactory: (referrals: ReferralRepository, teams: TeamRepository, relay: OutboxRelay) =>
      new RefreshTeamFiguresUseCase(referrals, teams, relay),
  },
];
