import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { LatLong } from '../postcodes/domain/postcode';
import type { ServiceConfig } from '../service.config';
import { SERVICE_SIGNALS, type ServiceSignalsReader } from '../signals/service-signals.port';
import { DirectoryLookup, profileOf, taxonomyTermsOf, type StoredHsds } from '../signals/directory-lookup';
import { NO_TRUST_HISTORY } from '../signals/service-signals.reader';
import type { MatchCandidate } from './domain/ranking';
import {
  candidatesNear,
  type ListingEntry,
  type ListingSnapshot,
  snapshotOf,
} from './domain/listing-snapshot';

/** Documents per round trip while building the snapshot. */
const BATCH = 5_000;

/**
 * The input of the pure ranking. The listing part (services, their organisation, located sites,
 * classification, eligibility) changes rarely and is read from an in-memory snapshot of the whole
 * directory, rebuilt in the background once older than MATCH_SNAPSHOT_TTL_MS (so a listing change
 * reaches matching within that time). The live part (verification, capacity, trust) is read on
 * every request, only for the services that meet a need within the radius. FerretDB has no geo
 * index; distance is computed in code over the snapshot.
 */
@Injectable()
export class MatchCandidatesRepository {
  private snapshot?: { builtAt: number; data: ListingSnapshot };
  private building?: Promise<ListingSnapshot>;

  constructor(
    private readonly directory: DirectoryLookup,
    @Inject(SERVICE_SIGNALS) private readonly signals: ServiceSignalsReader,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async forNeeds(needs: string[], origin: LatLong, radiusKm: number): Promise<MatchCandidate[]> {
    const entries = candidatesNear(await this.listings(), needs, origin, radiusKm);
    if (entries.length === 0) return [];
    const orgIds = [...new Set(entries.map((e) => e.organisationId))];
    const [verification, signals] = await Promise.all([
      this.signals.verificationOf(orgIds),
      this.signals.forServices(entries.map((e) => e.serviceId)),
    ]);
    return entries.map(({ organisationActive, ...e }) => {
      const sig = signals.get(e.serviceId);
      return {
        ...e,
        organisationActive,
        organisationVerified: verification.get(e.organisationId)?.verified ?? false,
        capacity: sig?.capacity ?? null,
        trust: sig?.trust ?? NO_TRUST_HISTORY,
      };
    });
  }

  /** The snapshot: built on first use, then served while a newer one is built in the background. */
  private async listings(): Promise<ListingSnapshot> {
    const ttl = this.config.MATCH_SNAPSHOT_TTL_MS;
    if (!this.snapshot || ttl === 0) return (await this.rebuild()).data;
    if (Date.now() - this.snapshot.builtAt > ttl) void this.rebuild().catch(() => undefined);
    return this.snapshot.data;
  }

  private rebuild(): Promise<{ builtAt: number; data: ListingSnapshot }> {
    this.building ??= this.load().finally(() => (this.building = undefined));
    return this.building.then((data) => {
      this.snapshot = { builtAt: Date.now(), data };
      return this.snapshot;
    });
  }

  private async load(): Promise<ListingSnapshot> {
    const [services, organisations, links, locations] = await Promise.all([
      this.readAll(this.directory.services, {
        _id: 1,
        name: 1,
        status: 1,
        organization_id: 1,
        minimum_age: 1,
        maximum_age: 1,
        languages: 1,
        attributes: 1,
        sp: 1,
      }),
      this.readAll(this.directory.organizations, { _id: 1, name: 1, sp: 1, organization_identifiers: 1 }),
      this.readAll(this.directory.serviceAtLocations, { service_id: 1, location_id: 1 }),
      this.readAll(this.directory.locations, { _id: 1, latitude: 1, longitude: 1 }),
    ]);
    const orgs = new Map(organisations.map((o) => [o._id, profileOf(o)]));
    const positions = new Map<string, LatLong>();
    for (const l of locations) {
      if (typeof l.latitude === 'number' && typeof l.longitude === 'number')
        positions.set(l._id, { latitude: Number(l.latitude), longitude: Number(l.longitude) });
    }
    const sitesOf = new Map<string, LatLong[]>();
    for (const link of links) {
      const p = link.location_id ? positions.get(link.location_id) : undefined;
      if (!p || !link.service_id) continue;
      sitesOf.set(link.service_id, [...(sitesOf.get(link.service_id) ?? []), p]);
    }
    return snapshotOf(services.map((s) => toEntry(s, orgs, sitesOf)));
  }

  /**
   * Every document of a collection through one cursor read to the end (so it is closed). Paging by
   * `_id > last` would make FerretDB scan and sort the whole collection for every page.
   */
  private async readAll(
    collection: DirectoryLookup['services'],
    projection: Record<string, 1>,
  ): Promise<StoredHsds[]> {
    const out: StoredHsds[] = [];
    for await (const doc of collection.find({}, { projection, batchSize: BATCH })) out.push(doc);
    return out;
  }
}

function toEntry(
  s: StoredHsds,
  orgs: Map<string, ReturnType<typeof profileOf>>,
  sitesOf: Map<string, LatLong[]>,
): ListingEntry {
  const orgId = s.organization_id ?? '';
  const org = orgs.get(orgId);
  return {
    serviceId: s._id,
    serviceName: s.name ?? s._id,
    organisationId: orgId,
    ...(org?.name ? { organisationName: org.name } : {}),
    status: s.status ?? 'active',
    published: (s.sp?.publication ?? 'published') === 'published',
    organisationActive: org?.active ?? false,
    taxonomyTermIds: taxonomyTermsOf(s),
    ...(typeof s.minimum_age === 'number' ? { minimumAge: s.minimum_age } : {}),
    ...(typeof s.maximum_age === 'number' ? { maximumAge: s.maximum_age } : {}),
    languages: (s.languages ?? []).map((l) => l?.code).filter((c): c is string => typeof c === 'string'),
    locations: sitesOf.get(s._id) ?? [],
  };
}
