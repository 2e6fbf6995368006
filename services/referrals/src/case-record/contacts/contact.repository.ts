import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { RedactablePart } from '../redaction/case-record-redactor';
import type { CaseContactDocument } from './contact.entity';

export const CASE_CONTACTS_COLLECTION = 'case_contacts';

/** A referral's contacts are few (tens); this bounds any one read. */
const MAX_CONTACTS_PER_REFERRAL = 1000;

/** A search of one organisation's contacts (FHIR Communication). */
export interface ContactSearch {
  organisationId: string;
  referralIds?: string[];
  updatedAfter?: Date;
  updatedBefore?: Date;
}

export type ContactCorrection = Partial<
  Pick<CaseContactDocument, 'at' | 'method' | 'outcome' | 'summary' | 'updatedBy'>
> & { updatedAt: Date };

/** The case record's contacts (collection `case_contacts`). */
@Injectable()
export class ContactRepository implements OnModuleInit, RedactablePart {
  private readonly contacts: Collection<CaseContactDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.contacts = collectionOf<CaseContactDocument>(connection, CASE_CONTACTS_COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await this.contacts.createIndex({ referralId: 1, at: 1 }, { name: 'by_referral' });
    await this.contacts.createIndex({ organisationId: 1, updatedAt: 1 }, { name: 'by_organisation' });
  }

  async insert(contact: CaseContactDocument, session?: ClientSession): Promise<void> {
    await this.contacts.insertOne(contact, { session });
  }

  /** The referral's contacts, oldest first. */
  async forReferral(referralId: string, session?: ClientSession): Promise<CaseContactDocument[]> {
    return this.contacts
      .find({ referralId }, { session })
      .sort({ at: 1, _id: 1 })
      .limit(MAX_CONTACTS_PER_REFERRAL)
      .toArray();
  }

  async findOne(referralId: string, contactId: string): Promise<CaseContactDocument | null> {
    return this.contacts.findOne({ _id: contactId, referralId });
  }

  async findById(contactId: string): Promise<CaseContactDocument | null> {
    return this.contacts.findOne({ _id: contactId });
  }

  /** One page of an organisation's contacts, by last update (then id). */
  async search(
    q: ContactSearch,
    offset: number,
    count: number,
  ): Promise<{ total: number; items: CaseContactDocument[] }> {
    const filter: Filter<CaseContactDocument> = { organisationId: q.organisationId };
    if (q.referralIds) filter.referralId = { $in: q.referralIds };
    if (q.updatedAfter || q.updatedBefore)
      filter.updatedAt = {
        ...(q.updatedAfter ? { $gt: q.updatedAfter } : {}),
        ...(q.updatedBefore ? { $lt: q.updatedBefore } : {}),
      };
    const [total, items] = await Promise.all([
      this.contacts.countDocuments(filter),
      count === 0
        ? Promise.resolve([])
        : this.contacts.find(filter).sort({ updatedAt: 1, _id: 1 }).skip(offset).limit(count).toArray(),
    ]);
    return { total, items };
  }

  /**
   * Applies a correction if the contact is still at `version`; returns the contact after it, or
   * null when another writer changed it first.
   */
  async correct(
    referralId: string,
    contactId: string,
    version: number,
    change: ContactCorrection,
    session: ClientSession,
  ): Promise<CaseContactDocument | null> {
    return this.contacts.findOneAndUpdate(
      { _id: contactId, referralId, version },
      { $set: { ...change, version: version + 1 } },
      { returnDocument: 'after', session },
    );
  }

  /** Contact summaries removed; times, methods, outcomes and authors kept. */
  async redactForConsentWithdrawal(referralIds: string[], session: ClientSession, now: Date): Promise<void> {
    await this.contacts.updateMany(
      { referralId: { $in: referralIds }, redactedAt: { $exists: false } },
      { $unset: { summary: '' }, $set: { redactedAt: now, updatedAt: now }, $inc: { version: 1 } },
      { session },
    );
  }
}
