import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { StatementKind } from '../domain/case-statement.rules';
import type { RedactablePart } from '../redaction/case-record-redactor';
import type { CaseStatementDocument } from './case-statement.entity';

export const CASE_STATEMENTS_COLLECTION = 'case_statements';

const MAX_PER_REFERRAL = 1000;

/** What matters to the person and their concerns (collection `case_statements`). */
@Injectable()
export class CaseStatementRepository implements OnModuleInit, RedactablePart {
  private readonly statements: Collection<CaseStatementDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.statements = collectionOf<CaseStatementDocument>(connection, CASE_STATEMENTS_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.statements.createIndex({ referralId: 1, kind: 1, createdAt: 1 }, { name: 'by_referral' });
    await this.statements.createIndex(
      { organisationId: 1, kind: 1, updatedAt: 1 },
      { name: 'by_organisation' },
    );
  }

  async insert(statement: CaseStatementDocument, session: ClientSession): Promise<void> {
    await this.statements.insertOne(statement, { session });
  }

  /** The referral's statements of one kind, oldest first. */
  async forReferral(referralId: string, kind: StatementKind): Promise<CaseStatementDocument[]> {
    return this.forReferrals([referralId], kind);
  }

  async forReferrals(referralIds: string[], kind: StatementKind): Promise<CaseStatementDocument[]> {
    if (referralIds.length === 0) return [];
    return this.statements
      .find({ referralId: { $in: referralIds }, kind })
      .sort({ createdAt: 1, _id: 1 })
      .limit(MAX_PER_REFERRAL * referralIds.length)
      .toArray();
  }

  async findOne(referralId: string, kind: StatementKind, id: string): Promise<CaseStatementDocument | null> {
    return this.statements.findOne({ _id: id, referralId, kind });
  }

  /** A statement of one kind by id, whatever its referral (FHIR read). */
  async findById(kind: StatementKind, id: string): Promise<CaseStatementDocument | null> {
    return this.statements.findOne({ _id: id, kind });
  }

  /** One page of an organisation's statements of one kind (FHIR search), in the order written. */
  async search(
    query: { organisationId: string; kind: StatementKind; ids?: string[]; referralIds?: string[] },
    offset: number,
    count: number,
  ): Promise<{ total: number; items: CaseStatementDocument[] }> {
    const filter: Filter<CaseStatementDocument> = { organisationId: query.organisationId, kind: query.kind };
    if (query.ids) filter._id = { $in: query.ids };
    if (query.referralIds) filter.referralId = { $in: query.referralIds };
    const [total, items] = await Promise.all([
      this.statements.countDocuments(filter),
      this.statements.find(filter).sort({ createdAt: 1, _id: 1 }).skip(offset).limit(count).toArray(),
    ]);
    return { total, items };
  }

  /** The change if the statement is still at `version`; null when another writer changed it first. */
  async change(
    id: string,
    version: number,
    set: Partial<Pick<CaseStatementDocument, 'text' | 'status' | 'recordedAt' | 'statusChangedAt'>> &
      Pick<CaseStatementDocument, 'updatedAt' | 'updatedBy'>,
    session: ClientSession,
  ): Promise<CaseStatementDocument | null> {
    return this.statements.findOneAndUpdate(
      { _id: id, version, redactedAt: { $exists: false } },
      { $set: { ...set, version: version + 1 } },
      { returnDocument: 'after', session },
    );
  }

  /** Statement texts removed (kind, status and times kept), marked redactedAt. */
  async redactForConsentWithdrawal(referralIds: string[], session: ClientSession, now: Date): Promise<void> {
    await this.statements.updateMany(
      { referralId: { $in: referralIds }, redactedAt: { $exists: false } },
      { $unset: { text: '' }, $set: { redactedAt: now, updatedAt: now }, $inc: { version: 1 } },
      { session },
    );
  }
}
