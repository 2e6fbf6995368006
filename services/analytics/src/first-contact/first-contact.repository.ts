import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { ApplyOutcome } from '@sp/messaging';
import { collectionOf, isDuplicateKeyError, MONGO_CONNECTION } from '@sp/persistence';
import { timeToFirstContact, type TimeToFirstContact } from './domain/first-contact-timeliness';

/**
 * `first_contacts`: one document per referral whose patient was reached (ids, codes and times:
 * no patient key, nothing about the patient). `_id` is the referral id, so a referral's first
 * contact is recorded once: a redelivered or replayed event, by this or another member of the
 * group, finds the document and changes nothing.
 */
export interface FirstContactDocument {
  _id: string;
  eventId: string;
  requesterOrganisationId: string;
  ownerOrganisationId: string;
  targetServiceId?: string;
  submittedAt: string;
  firstContactAt: string;
  daysToFirstContact: number;
  method: string;
  attemptsBefore: number;
  recordedAt: Date;
}

export type FirstContactGroup = 'requesterOrganisationId' | 'ownerOrganisationId' | 'targetServiceId';

@Injectable()
export class FirstContactRepository implements OnModuleInit {
  private readonly contacts: Collection<FirstContactDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.contacts = collectionOf<FirstContactDocument>(connection, 'first_contacts');
  }

  async onModuleInit(): Promise<void> {
    await this.contacts.createIndex({ requesterOrganisationId: 1 }, { name: 'by_requester' });
    await this.contacts.createIndex({ ownerOrganisationId: 1 }, { name: 'by_owner' });
    await this.contacts.createIndex({ targetServiceId: 1 }, { name: 'by_service', sparse: true });
  }

  /** Records the referral's first contact unless it already is (the first recorded stays). */
  async record(doc: Omit<FirstContactDocument, 'recordedAt'>): Promise<ApplyOutcome> {
    const { _id, ...fields } = doc;
    try {
      const result = await this.contacts.updateOne(
        { _id },
        { $setOnInsert: { ...fields, recordedAt: new Date() } },
        { upsert: true },
      );
      return result.upsertedCount === 1 ? 'applied' : 'duplicate';
    } catch (error) {
      // Two members upserting the same new referral at once: one inserts, the other collides.
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
  }

  /** Median and 90th percentile days to first contact of one group (e.g. one service). */
  async summary(group: FirstContactGroup, id: string): Promise<TimeToFirstContact> {
    const docs = await this.contacts
      .find({ [group]: id }, { projection: { daysToFirstContact: 1 } })
      .toArray();
    return timeToFirstContact(docs.map((d) => d.daysToFirstContact));
  }

  /** The same summary for every group id at once (ops' view of every organisation). */
  async summaries(group: FirstContactGroup): Promise<Map<string, TimeToFirstContact>> {
    const days = new Map<string, number[]>();
    const cursor = this.contacts.find(
      { [group]: { $type: 'string' } },
      { projection: { [group]: 1, daysToFirstContact: 1 } },
    );
    for await (const d of cursor) {
      const id = d[group] as string;
      days.set(id, [...(days.get(id) ?? []), d.daysToFirstContact]);
    }
    return new Map([...days].map(([id, values]) => [id, timeToFirstContact(values)]));
  }

  /** Over the whole platform. */
  async platform(): Promise<TimeToFirstContact> {
    const docs = await this.contacts.find({}, { projection: { daysToFirstContact: 1 } }).toArray();
    return timeToFirstContact(docs.map((d) => d.daysToFirstContact));
  }
}
