import { Inject, Injectable } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { TeamCaseload } from './domain/team-caseload';

/** The stored team figures, plus the id of the event that last changed them. */
export type TeamCaseloadDocument = TeamCaseload & {
  _id: string;
  eventId: string;
  updatedAt: Date;
  /** Incremented when a service's capacity is first recorded (see ServiceSignalsUpdater). */
  touched?: number;
};

/**
 * `team_caseload`: one document per receiving organisation, the newest team.caseload-changed
 * figures (counts only: no person, no patient). Written inside the signals updater's transactions.
 */
@Injectable()
export class TeamCaseloadRepository {
  readonly collection: Collection<TeamCaseloadDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.collection = collectionOf<TeamCaseloadDocument>(connection, 'team_caseload');
  }

  async find(organisationId: string, session?: ClientSession): Promise<TeamCaseloadDocument | null> {
    return this.collection.findOne({ _id: organisationId }, session ? { session } : {});
  }

  async save(eventId: string, team: TeamCaseload, now: Date, session: ClientSession): Promise<void> {
    await this.collection.replaceOne(
      { _id: team.organisationId },
      { ...team, eventId, updatedAt: now },
      { upsert: true, session },
    );
  }

  /**
   * Writes the document without changing its figures, inside the caller's transaction: a
   * transaction that reads the headroom for a service not yet recorded conflicts with one that
   * changes the headroom (which recomputes only the services already recorded).
   */
  async touch(organisationId: string, session: ClientSession): Promise<void> {
    await this.collection.updateOne({ _id: organisationId }, { $inc: { touched: 1 } }, { session });
  }
}
