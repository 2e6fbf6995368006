import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { applyOnce, type ApplyOutcome } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';

interface ServiceReplicaDocument {
  _id: string; // service id
  organisationId: string;
  status: string;
  /** The platform need codes it meets (v1 listings: its taxonomy term ids). */
  needCodes?: string[];
  updatedAt: string;
  appliedEventIds: string[];
}

/** This service's own copy of "which organisation runs which service", built from directory events. */
@Injectable()
export class ServiceReplicaRepository {
  private readonly services: Collection<ServiceReplicaDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.services = collectionOf<ServiceReplicaDocument>(connection, 'directory_services');
  }

  /** Applies one directory event to the service's replica document once (created by the first). */
  async applyListing(
    eventId: string,
    s: {
      serviceId: string;
      organisationId: string;
      status: string;
      occurredAt: string;
      needCodes?: string[];
      taxonomyTermIds?: string[];
    },
  ): Promise<ApplyOutcome> {
    const needCodes = s.needCodes ?? s.taxonomyTermIds;
    return applyOnce(
      this.services as unknown as Collection<Document>,
      s.serviceId,
      eventId,
      {
        $set: {
          organisationId: s.organisationId,
          status: s.status,
          updatedAt: s.occurredAt,
          ...(needCodes ? { needCodes } : {}),
        },
      },
      { upsert: true },
    );
  }

  /**
   * Organisations running an active service that meets at least one of the needs: those that could
   * claim an open referral for them (the referrals service decides, on claim, whether they may).
   */
  async organisationsMeeting(needs: readonly string[]): Promise<string[]> {
    if (needs.length === 0) return [];
    const ids = await this.services.distinct('organisationId', {
      status: 'active',
      needCodes: { $in: [...needs] },
    });
    return ids.filter((id): id is string => typeof id === 'string').sort();
  }

  async organisationOf(serviceId: string): Promise<string | undefined> {
    const found = await this.services.findOne({ _id: serviceId }, { projection: { organisationId: 1 } });
    return found?.organisationId;
  }
}
