import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { TeamRole } from '@sp/identity';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';

export const TEAM_MEMBERS_COLLECTION = 'team_members';

/**
 * A person on an organisation's team roster: staff identity from their organisation's identity
 * provider (never patient data). They join when they first call the API signed in.
 */
export interface TeamMemberDocument {
  /** `<organisationId>|<sub>` */
  _id: string;
  organisationId: string;
  sub: string;
  issuer: string;
  name?: string;
  teamRole: TeamRole;
  /** Most open referrals they may hold (set by a team lead); null: no limit. */
  caseloadLimit: number | null;
  caseloadLimitSetAt?: Date;
  caseloadLimitSetBy?: { clientId: string; sub?: string };
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface SeenPerson {
  organisationId: string;
  sub: string;
  issuer: string;
  name?: string;
  teamRole: TeamRole;
}

const memberId = (organisationId: string, sub: string) => `${organisationId}|${sub}`;

/** The team roster (one document per organisation and person). */
@Injectable()
export class TeamRosterRepository implements OnModuleInit {
  readonly members: Collection<TeamMemberDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.members = collectionOf<TeamMemberDocument>(connection, TEAM_MEMBERS_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.members.createIndex({ organisationId: 1, sub: 1 }, { name: 'by_organisation' });
  }

  /** Puts the person on their organisation's roster, or refreshes their name, role and last seen. */
  async seen(person: SeenPerson, now = new Date()): Promise<void> {
    await this.members.updateOne(
      { _id: memberId(person.organisationId, person.sub) },
      {
        $set: {
          issuer: person.issuer,
          teamRole: person.teamRole,
          lastSeenAt: now,
          ...(person.name !== undefined ? { name: person.name } : {}),
        },
        $setOnInsert: {
          organisationId: person.organisationId,
          sub: person.sub,
          caseloadLimit: null,
          firstSeenAt: now,
        },
      },
      { upsert: true },
    );
  }

  async find(
    organisationId: string,
    sub: string,
    session?: ClientSession,
  ): Promise<TeamMemberDocument | null> {
    return this.members.findOne({ _id: memberId(organisationId, sub) }, session ? { session } : {});
  }

  async list(organisationId: string, session?: ClientSession): Promise<TeamMemberDocument[]> {
    return this.members
      .find({ organisationId }, session ? { session } : {})
      .sort({ sub: 1 })
      .limit(5000)
      .toArray();
  }

  /** Sets the limit; false when the person is not on the organisation's roster. */
  async setLimit(
    organisationId: string,
    sub: string,
    limit: number | null,
    by: { clientId: string; sub?: string },
    now: Date,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.members.updateOne(
      { _id: memberId(organisationId, sub) },
      { $set: { caseloadLimit: limit, caseloadLimitSetAt: now, caseloadLimitSetBy: by } },
      { session },
    );
    return result.matchedCount === 1;
  }
}
