import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { EvidenceType } from '@sp/contracts';
import type { OutboxEntry } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { EvidenceRecord, Verification } from './domain/verification.rules';
import type { ActingPerson } from '../audit/acting-person';

/** Evidence an organisation admin submitted, waiting for operations to verify it. */
export interface PendingEvidence {
  reference: string;
  expiresAt?: string;
  submittedBy: string;
  /** The signed-in person behind submittedBy, when there was one (audit). */
  submittedByPerson?: ActingPerson;
  submittedAt: string;
}

/**
 * `assurance`: one document per organisation: its verified evidence, submissions awaiting
 * verification, the verification last announced, and the outbox of organisation.verified /
 * organisation.unverified. Written by AssuranceService only, each write conditional on the
 * `revision` it read (saveWithEvents).
 */
export interface AssuranceDocument {
  _id: string;
  evidence: Partial<Record<EvidenceType, EvidenceRecord>>;
  pending: Partial<Record<EvidenceType, PendingEvidence>>;
  verification?: Verification;
  /** The verification last announced by an event (verificationAnnouncement). */
  announced?: string;
  updatedAt: Date;
  /** Incremented by every write (absent on documents written before revisions existed). */
  revision?: number;
  outbox?: OutboxEntry[];
  outboxPending?: boolean;
}

@Injectable()
export class AssuranceRepository {
  readonly collection: Collection<AssuranceDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.collection = collectionOf<AssuranceDocument>(connection, 'assurance');
  }

  async find(organisationId: string): Promise<AssuranceDocument | null> {
    return this.collection.findOne({ _id: organisationId }, { projection: { outbox: 0 } });
  }

  async findMany(ids: string[]): Promise<AssuranceDocument[]> {
    if (ids.length === 0) return [];
    return this.collection
      .find({ _id: { $in: ids } }, { projection: { outbox: 0 } })
      .limit(ids.length)
      .toArray();
  }

  async allIds(): Promise<string[]> {
    const docs = await this.collection.find({}, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => d._id);
  }
}
