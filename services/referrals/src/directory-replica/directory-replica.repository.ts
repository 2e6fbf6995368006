import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Document, UpdateFilter } from 'mongodb';
import type { Connection } from 'mongoose';
import { applyOnce, type ApplyOutcome } from '@sp/messaging';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import type { ReplicaOrganisation, ReplicaService } from '../domain/service-eligibility';

interface ServiceListing {
  serviceId: string;
  organisationId: string;
  status: string;
  taxonomyTermIds: string[];
  needCodes?: string[];
  minimumAge?: number;
  maximumAge?: number;
  occurredAt: string;
}

/**
 * This service's own copy of the directory (services and organisations), built from the
 * organisations service's events so the write path never calls another service. Each event is
 * applied once (applyOnce: effect and marker in one single-document update).
 */
/**
 * Reads of the replica on the intake path are cached for a moment: a referral burst to one service
 * then costs no database round trips for the directory. Entries are dropped when this process
 * applies a change; changes applied by another instance of the service are seen within the TTL.
 */
export const REPLICA_CACHE_TTL_MS = 2_000;

class ShortLivedCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }

  drop(key: string): void {
    this.entries.delete(key);
  }
}

@Injectable()
export class DirectoryReplicaRepository {
  readonly services: Collection<ReplicaService & Document>;
  readonly organisations: Collection<ReplicaOrganisation & Document>;
  private readonly serviceCache = new ShortLivedCache<ReplicaService | null>(REPLICA_CACHE_TTL_MS);
  private readonly organisationCache = new ShortLivedCache<ReplicaOrganisation | null>(REPLICA_CACHE_TTL_MS);

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.services = collectionOf<ReplicaService & Document>(connection, 'directory_services');
    this.organisations = collectionOf<ReplicaOrganisation & Document>(connection, 'directory_organisations');
  }

  private applyToService(
    eventId: string,
    serviceId: string,
    update: UpdateFilter<Document>,
  ): Promise<ApplyOutcome> {
    this.serviceCache.drop(serviceId);
    return applyOnce(this.services as unknown as Collection<Document>, serviceId, eventId, update, {
      upsert: true,
    }).finally(() => this.serviceCache.drop(serviceId));
  }

  private applyToOrganisation(
    eventId: string,
    organisationId: string,
    update: UpdateFilter<Document>,
  ): Promise<ApplyOutcome> {
    this.organisationCache.drop(organisationId);
    return applyOnce(this.organisations as unknown as Collection<Document>, organisationId, eventId, update, {
      upsert: true,
    }).finally(() => this.organisationCache.drop(organisationId));
  }

  /** v1 (legacy) listing: no eligibility fields, so those already known are kept. */
  applyLegacyListing(
    eventId: string,
    s: Omit<ServiceListing, 'minimumAge' | 'maximumAge'>,
  ): Promise<ApplyOutcome> {
    return this.applyToService(eventId, s.serviceId, {
      $set: {
        organisationId: s.organisationId,
        status: s.status,
        taxonomyTermIds: s.taxonomyTermIds,
        withdrawn: false,
        updatedAt: s.occurredAt,
      },
      // v1 term ids were the need codes.
      $unset: { needCodes: '' },
    });
  }

  /**
   * v2 published / updated: the whole listing (absent ages are cleared; absent needCodes too, so a
   * listing from before directory ids were UUIDs is matched by its term ids, then need codes).
   */
  applyListing(eventId: string, s: ServiceListing): Promise<ApplyOutcome> {
    const unset: Record<string, ''> = {};
    if (s.minimumAge === undefined) unset['minimumAge'] = '';
    if (s.maximumAge === undefined) unset['maximumAge'] = '';
    if (s.needCodes === undefined) unset['needCodes'] = '';
    return this.applyToService(eventId, s.serviceId, {
      $set: {
        organisationId: s.organisationId,
        status: s.status,
        taxonomyTermIds: s.taxonomyTermIds,
        ...(s.needCodes !== undefined ? { needCodes: s.needCodes } : {}),
        withdrawn: false,
        updatedAt: s.occurredAt,
        ...(s.minimumAge !== undefined ? { minimumAge: s.minimumAge } : {}),
        ...(s.maximumAge !== undefined ? { maximumAge: s.maximumAge } : {}),
      },
      ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
    });
  }

  applyWithdrawn(eventId: string, s: { serviceId: string; organisationId: string; occurredAt: string }) {
    return this.applyToService(eventId, s.serviceId, {
      $set: { organisationId: s.organisationId, withdrawn: true, updatedAt: s.occurredAt },
    });
  }

  applyCapacity(
    eventId: string,
    s: { serviceId: string; organisationId: string; capacityStatus: string; occurredAt: string },
  ) {
    return this.applyToService(eventId, s.serviceId, {
      $set: {
        organisationId: s.organisationId,
        capacityStatus: s.capacityStatus,
        capacityUpdatedAt: s.occurredAt,
      },
    });
  }

  applyOrganisation(
    eventId: string,
    organisationId: string,
    set: Record<string, unknown>,
    unset: string[] = [],
  ) {
    return this.applyToOrganisation(eventId, organisationId, {
      $set: set,
      ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((f) => [f, ''])) } : {}),
    });
  }

  async service(serviceId: string): Promise<ReplicaService | null> {
    return this.serviceCache.get(serviceId, () =>
      this.services.findOne({ _id: serviceId }, { projection: { appliedEventIds: 0 } }),
    );
  }

  async organisation(organisationId: string): Promise<ReplicaOrganisation | null> {
    return this.organisationCache.get(organisationId, () =>
      this.organisations.findOne({ _id: organisationId }, { projection: { appliedEventIds: 0 } }),
    );
  }

  /** The services an organisation runs (bounded: an organisation runs a handful). */
  async servicesOf(organisationId: string): Promise<ReplicaService[]> {
    return this.services
      .find({ organisationId }, { projection: { appliedEventIds: 0 } })
      .limit(500)
      .toArray();
  }
}
