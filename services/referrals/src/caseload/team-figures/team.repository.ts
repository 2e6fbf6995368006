import { Inject, Injectable } from '@nestjs/common';
import type { ClientSession, Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { createEnvelope, TeamCaseloadChangedV1 } from '@sp/contracts';
import { eventMetaFromContext, outboxUpdate, type OutboxEntry } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import { EVENT_SOURCE } from '../../referrals/referral-events';
import { CaseloadRepository } from '../caseload.repository';
import { figuresChanged, teamFigures, type TeamFigures } from '../domain/team-figures';
import { TeamRosterRepository } from '../roster/team-roster.repository';

/** One document per organisation with a team; the outbox relay publishes from it. */
export const TEAMS_COLLECTION = 'teams';

export interface TeamDocument {
  /** The organisation id. */
  _id: string;
  /** Incremented with every published change of the figures. */
  teamVersion: number;
  /** The figures last published. */
  figures?: TeamFigures;
  /** Last assignment or limit change (written by each, so concurrent ones conflict and retry). */
  touchedAt: Date;
  outbox: OutboxEntry[];
  outboxPending?: boolean;
  outboxRelayPass?: string;
}

/**
 * The organisation's team figures and their `team.caseload-changed.v1` events. `refresh` runs
 * inside the transaction of the change that may move them: it recounts from the roster and the
 * open referrals in that transaction's snapshot, and appends an event to the team's outbox only
 * when the figures differ from the last published ones (so a redelivered or repeated trigger
 * publishes nothing). Every refresh writes the team document, so two concurrent changes of one
 * organisation's caseload conflict and the later one is retried on a fresh snapshot: its counts
 * (and the caseload limit checks made in the same transaction) always see the other's write.
 */
@Injectable()
export class TeamRepository {
  readonly teams: Collection<TeamDocument>;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    private readonly roster: TeamRosterRepository,
    private readonly caseload: CaseloadRepository,
  ) {
    this.teams = collectionOf<TeamDocument>(connection, TEAMS_COLLECTION);
  }

  async exists(organisationId: string, session?: ClientSession): Promise<boolean> {
    return (await this.teams.findOne({ _id: organisationId }, { projection: { _id: 1 }, session })) !== null;
  }

  async find(organisationId: string): Promise<TeamDocument | null> {
    return this.teams.findOne({ _id: organisationId }, { projection: { outbox: 0 } });
  }

  /** Recounts and publishes if the figures changed: true when an event was added. */
  async refresh(organisationId: string, session: ClientSession, now = new Date()): Promise<boolean> {
    const [members, openAssignees, team] = await Promise.all([
      this.roster.list(organisationId, session),
      this.caseload.openAssignees(organisationId, session),
      this.teams.findOne({ _id: organisationId }, { projection: { outbox: 0 }, session }),
    ]);
    const figures = teamFigures({
      members: members.map((m) => ({ sub: m.sub, caseloadLimit: m.caseloadLimit })),
      openAssignees,
    });
    if (!figuresChanged(team?.figures, figures)) {
      await this.teams.updateOne({ _id: organisationId }, { $set: { touchedAt: now } }, { session });
      return false;
    }
    const teamVersion = (team?.teamVersion ?? 0) + 1;
    const event = createEnvelope(
      TeamCaseloadChangedV1,
      { organisationId, ...figures, teamVersion, occurredAt: now.toISOString() },
      eventMetaFromContext(EVENT_SOURCE),
    );
    await this.teams.updateOne(
      { _id: organisationId },
      outboxUpdate([event], { now, merge: { $set: { teamVersion, figures, touchedAt: now } } }) as Document,
      { upsert: true, session },
    );
    return true;
  }
}
