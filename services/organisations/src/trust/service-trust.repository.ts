import { Inject, Injectable } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { TrustAggregate } from './domain/trust-signals';

/** `service_trust`: the trust aggregate of one service, recomputed from its referral records. */
export interface ServiceTrustDocument {
  _id: string;
  trust: TrustAggregate;
  /** Submissions per UTC day (recent days only): referrals in the last 90 days are summed on read. */
  submittedPerDay: Record<string, number>;
  updatedAt: Date;
}

@Injectable()
export class ServiceTrustRepository {
  readonly collection: Collection<ServiceTrustDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.collection = collectionOf<ServiceTrustDocument>(connection, 'service_trust');
  }

  async findMany(serviceIds: string[], session?: ClientSession): Promise<ServiceTrustDocument[]> {
    if (serviceIds.length === 0) return [];
    return this.collection
      .find({ _id: { $in: serviceIds } }, session ? { session } : {})
      .limit(serviceIds.length)
      .toArray();
  }

  /** Written inside the signals updater's transaction, with the service's capacity document. */
  async replace(doc: ServiceTrustDocument, session: ClientSession): Promise<void> {
    await this.collection.replaceOne({ _id: doc._id }, doc, { upsert: true, session });
  }
}
