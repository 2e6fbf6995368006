import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { OutboxEntry } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { CapacitySignals } from '../signals/service-signals.port';
import { capacitySignals, type DeclaredCapacity, type DerivedLoad } from './domain/capacity.rules';

/**
 * `service_capacity`: one document per service: what its organisation declared, the load derived
 * from referral events, and the outbox of its service.capacity-changed events. Written only inside
 * the updater's transactions, each of which increments `revision` (see ServiceSignalsUpdater).
 */
export interface ServiceCapacityDocument {
  _id: string;
  organisationId?: string;
  declared?: DeclaredCapacity;
  caseload: number;
  waitlist: DerivedLoad['waitlist'];
  freedLast90Days: number;
  /** The organisation's team headroom when last recomputed (null or absent: no caseload limit). */
  teamHeadroom?: number | null;
  /** Fingerprint of the capacity last announced (no event when it would be the same). */
  announced?: string;
  /** When the capacity figures (declared or derived) last changed. */
  updatedAt: Date;
  /** Incremented by every recompute (absent on documents written before revisions existed). */
  revision?: number;
  outbox?: OutboxEntry[];
  outboxPending?: boolean;
}

@Injectable()
export class ServiceCapacityRepository implements OnModuleInit {
  readonly collection: Collection<ServiceCapacityDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.collection = collectionOf<ServiceCapacityDocument>(connection, 'service_capacity');
  }

  async onModuleInit(): Promise<void> {
    // A team caseload change recomputes every service of the organisation.
    await this.collection.createIndex({ organisationId: 1 }, { name: 'by_organisation' });
  }

  async find(serviceId: string, session?: ClientSession): Promise<ServiceCapacityDocument | null> {
    return this.collection.findOne(
      { _id: serviceId },
      { projection: { outbox: 0 }, ...(session ? { session } : {}) },
    );
  }

  /**
   * Increments the revision of an existing document inside the caller's transaction: its first
   * write, so concurrent transactions of the same service conflict at once (no-op if absent).
   */
  async claim(serviceId: string, session: ClientSession): Promise<void> {
    await this.collection.updateOne({ _id: serviceId }, { $inc: { revision: 1 } }, { session });
  }

  /** Services of the organisation that have a capacity document (sorted: claims in one order). */
  async idsOfOrganisation(organisationId: string, session: ClientSession): Promise<string[]> {
    const docs = await this.collection
      .find({ organisationId }, { projection: { _id: 1 }, session })
      .sort({ _id: 1 })
      .toArray();
    return docs.map((d) => d._id);
  }

  async findMany(serviceIds: string[], session?: ClientSession): Promise<ServiceCapacityDocument[]> {
    if (serviceIds.length === 0) return [];
    return this.collection
      .find({ _id: { $in: serviceIds } }, { projection: { outbox: 0 }, ...(session ? { session } : {}) })
      .limit(serviceIds.length)
      .toArray();
  }
}

/** The capacity shown on reads, from the stored document (null when never declared). */
export function signalsFromDoc(doc: ServiceCapacityDocument | null): CapacitySignals | null {
  if (!doc) return null;
  return capacitySignals(
    doc.declared,
    {
      caseload: doc.caseload,
      freedLast90Days: doc.freedLast90Days,
      waitlistLength: doc.waitlist.length,
      ...(typeof doc.teamHeadroom === 'number' ? { teamHeadroom: doc.teamHeadroom } : {}),
    },
    new Date(doc.updatedAt).toISOString(),
  );
}
