import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { RedactablePart } from '../redaction/case-record-redactor';
import type { CaseContactDocument } from './contact.entity';

export const CASE_CONTACTS_COLLECTION = 'case_contacts';

/** A referral's contacts are few (tens); this bounds any one read. */
const MAX_CONTACTS_PER_REFERRAL = 1000;

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

  /**
   * Applies a correction if the contact is still at `version`; returns the contact after it, or
   * null when another writer changed it first.
   */
  async correct(
    referralId: string,
    contactId: string,
    version: number,
    change: ContactCorrection,
  ): Promise<CaseContactDocument | null> {
    return this.contacts.findOneAndUpdate(
      { _id: contactId, referralId, version },
      { $set: { ...change, version: version + 1 } },
      { returnDocument: 'after' },
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
