import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Collection, Document, Filter } from 'mongodb';
import type { Logger } from 'pino';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@sp/service-kit';
import { ServiceCapacityRepository, signalsFromDoc } from '../capacity/service-capacity.repository';
import type { HsdsTable } from '../hsds/hsds-store.port';
import type { LatLong } from '../postcodes/domain/postcode';
import type { ServiceConfig } from '../service.config';
import { DirectoryLookup, profileOf, taxonomyTermsOf, type StoredHsds } from '../signals/directory-lookup';
import { DirectoryChanges, type DirectoryChange } from '../signals/directory-changes';
import { trustFromDoc } from '../signals/service-signals.reader';
import { AssuranceRepository } from '../trust/assurance.repository';
import { ServiceTrustRepository } from '../trust/service-trust.repository';
import {
  emptySnapshot,
  putCapacity,
  putEvidence,
  putLink,
  putLocation,
  putOrganisation,
  putService,
  putTrust,
  removeService,
  setServiceLinks,
  type MatchSnapshot,
  type OrganisationListing,
  type ServiceListing,
} from './domain/match-snapshot';

/** Documents per round trip while building (small enough not to hold the event loop long). */
const BATCH = 1_000;
/** Beyond this many changed records at once (a large import), rebuild instead of re-reading them. */
export const MAX_PATCHED_RECORDS = 2_000;

type Dirty = Map<HsdsTable, Set<string>>;

/**
 * The matching snapshot (domain/match-snapshot.ts) and how it is kept current.
 *
 * - Built on first use, in bulk: one cursor read to the end per collection (organizations,
 *   locations, service_at_locations, services, assurance, service_capacity, service_trust),
 *   projected to the fields matching needs.
 * - Changes this process writes reach it at once through DirectoryChanges: capacity, trust and
 *   evidence come with their new value and are patched in synchronously; changed directory
 *   records (management API, API imports) are re-read by `_id`, and the next match waits for
 *   those re-reads. More than MAX_PATCHED_RECORDS at once triggers a rebuild instead.
 * - Changes written by another process (another instance, the import CLI) are picked up by the
 *   background rebuild that starts once the snapshot is older than MATCH_SNAPSHOT_TTL_MS; the
 *   current snapshot is served meanwhile. Changes notified during a rebuild are applied again to
 *   the new snapshot, so a rebuild that read a collection before a change cannot undo it.
 */
@Injectable()
export class MatchSnapshotStore implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private current?: { startedAt: number; data: MatchSnapshot };
  private building?: Promise<void>;
  private changesDuringBuild?: DirectoryChange[];
  private readonly dirty: Dirty = new Map();
  private patching?: Promise<void>;
  private unsubscribe?: () => void;

  constructor(
    private readonly directory: DirectoryLookup,
    private readonly capacity: ServiceCapacityRepository,
    private readonly trust: ServiceTrustRepository,
    private readonly assurance: AssuranceRepository,
    private readonly changes: DirectoryChanges,
    @Inject(SERVICE_CONFIG)
    private readonly config: Pick<ServiceConfig, 'MATCH_SNAPSHOT_TTL_MS'> &
      Partial<Pick<ServiceConfig, 'MATCH_SNAPSHOT_PRELOAD'>>,
    @Optional() @Inject(SERVICE_LOGGER) private readonly logger?: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.changes.subscribe((change) => this.onChange(change));
  }

  /**
   * Starts the first build at boot, in the background, when the directory already holds services
   * (a restart): at 50,000 services it takes tens of seconds, which the first match would otherwise
   * wait for. An empty directory at boot (a new installation, about to be seeded or imported by
   * another process) is left to the first match, so it sees what was written meanwhile.
   */
  onApplicationBootstrap(): void {
    if (this.config.MATCH_SNAPSHOT_PRELOAD === false || this.current || this.building) return;
    void this.directory.services
      .findOne({}, { projection: { _id: 1 } })
      .then((any) => {
        if (any && !this.current) this.rebuildInBackground();
      })
      .catch((error: unknown) =>
        this.logger?.warn({ err: error }, 'matching snapshot preload skipped; the first match builds it'),
      );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Whether a snapshot has been built (tests and readiness reports). */
  isBuilt(): boolean {
    return this.current !== undefined;
  }

  /**
   * The snapshot to match on: built on first use (that match waits), served while a newer one is
   * built in the background once older than the TTL (0: rebuilt for every match), with the
   * re-reads of records this process changed applied first.
   */
  async snapshot(): Promise<MatchSnapshot> {
    const ttl = this.config.MATCH_SNAPSHOT_TTL_MS;
    if (!this.current || ttl === 0) await this.rebuild();
    else if (Date.now() - this.current.startedAt > ttl) this.rebuildInBackground();
    while (this.patching) await this.patching;
    return this.current!.data;
  }

  /** Waits until nothing is being built or re-read (tests). */
  async settled(): Promise<void> {
    while (this.building || this.patching) await Promise.allSettled([this.building, this.patching]);
  }

  private onChange(change: DirectoryChange): void {
    this.changesDuringBuild?.push(change);
    if (this.current) this.apply(this.current.data, change);
  }

  private apply(data: MatchSnapshot, change: DirectoryChange): void {
    switch (change.kind) {
      case 'capacity':
        putCapacity(data, change.serviceId, change.capacity);
        return;
      case 'trust':
        putTrust(data, change.serviceId, change.trust);
        return;
      case 'evidence':
        putEvidence(data, change.organisationId, change.evidence);
        return;
      case 'records': {
        const ids = this.dirty.get(change.table) ?? new Set<string>();
        for (const id of change.ids) ids.add(id);
        this.dirty.set(change.table, ids);
        this.schedulePatch();
      }
    }
  }

  private rebuild(): Promise<void> {
    this.building ??= this.build().finally(() => (this.building = undefined));
    return this.building;
  }

  private rebuildInBackground(): void {
    void this.rebuild().catch((error: unknown) =>
      this.logger?.warn({ err: error }, 'matching snapshot rebuild failed; serving the previous one'),
    );
  }

  private async build(): Promise<void> {
    const startedAt = Date.now();
    const recorded: DirectoryChange[] = [];
    this.changesDuringBuild = recorded;
    try {
      // The first build is waited for: all collections at once. Later ones run beside requests.
      const data = await this.load(new Date(startedAt), this.current !== undefined);
      const first = !this.current;
      this.current = { startedAt, data };
      for (const change of recorded) this.apply(data, change);
      this.logger?.[first ? 'info' : 'debug'](
        { services: data.services.size, ms: Date.now() - startedAt, replayed: recorded.length },
        'matching snapshot built',
      );
    } finally {
      if (this.changesDuringBuild === recorded) this.changesDuringBuild = undefined;
    }
  }

  // ---- re-reading records this process changed ----

  private schedulePatch(): void {
    if (this.patching || this.dirty.size === 0) return;
    const run = this.drain().catch((error: unknown) => {
      this.logger?.warn({ err: error }, 'matching snapshot re-read failed; it will be rebuilt');
      if (this.current) this.current.startedAt = 0;
    });
    this.patching = run;
    void run.finally(() => {
      if (this.patching === run) this.patching = undefined;
      this.schedulePatch(); // anything notified after the last batch was taken
    });
  }

  /** Re-reads the dirty records batch by batch, in notification order, until none is left. */
  private async drain(): Promise<void> {
    await Promise.resolve(); // gather what the caller notifies in the same tick
    while (this.dirty.size > 0) {
      const batch = new Map(this.dirty);
      this.dirty.clear();
      const count = [...batch.values()].reduce((n, ids) => n + ids.size, 0);
      if (count > MAX_PATCHED_RECORDS) {
        this.logger?.info(
          { records: count },
          'many directory records changed: rebuilding the matching snapshot',
        );
        this.rebuildInBackground();
        continue;
      }
      try {
        await this.reread(batch);
      } catch (error: unknown) {
        // Left stale: make the next match start a rebuild.
        this.logger?.warn({ err: error }, 'matching snapshot re-read failed; it will be rebuilt');
        if (this.current) this.current.startedAt = 0;
      }
    }
  }

  private async reread(batch: Dirty): Promise<void> {
    const data = this.current?.data;
    if (!data) return;
    const ids = (table: HsdsTable) => [...(batch.get(table) ?? [])];

    const organisations = ids('organizations');
    if (organisations.length > 0) {
      const found = await this.findByIds(this.directory.organizations, '_id', organisations, ORGANISATION);
      const byId = new Map(found.map((d) => [d._id, d]));
      for (const id of organisations) {
        const doc = byId.get(id);
        putOrganisation(data, id, doc ? organisationListing(doc) : null);
      }
    }

    const locations = ids('locations');
    if (locations.length > 0) {
      const found = await this.findByIds(this.directory.locations, '_id', locations, LOCATION);
      const byId = new Map(found.map((d) => [d._id, d]));
      for (const id of locations) putLocation(data, id, positionOf(byId.get(id)));
    }

    // A changed link changes its service's sites: re-read the service (old and new owner).
    const services = new Set(ids('services'));
    const links = ids('service_at_locations');
    if (links.length > 0) {
      for (const id of links) {
        const owner = data.linkOwner.get(id);
        if (owner !== undefined) services.add(owner);
      }
      for (const link of await this.findByIds(this.directory.serviceAtLocations, '_id', links, LINK)) {
        if (link.service_id) services.add(link.service_id);
      }
    }
    if (services.size === 0) return;

    const serviceIds = [...services];
    const [serviceDocs, linkDocs] = await Promise.all([
      this.findByIds(this.directory.services, '_id', serviceIds, SERVICE),
      this.findByIds(this.directory.serviceAtLocations, 'service_id', serviceIds, LINK),
    ]);
    const unknownSites = [
      ...new Set(linkDocs.map((l) => l.location_id).filter((id): id is string => Boolean(id))),
    ].filter((id) => !data.locations.has(id));
    if (unknownSites.length > 0) {
      for (const l of await this.findByIds(this.directory.locations, '_id', unknownSites, LOCATION)) {
        putLocation(data, l._id, positionOf(l));
      }
    }
    const linksOf = new Map<string, Array<{ linkId: string; locationId: string }>>();
    for (const l of linkDocs) {
      if (!l.service_id || !l.location_id) continue;
      linksOf.set(l.service_id, [
        ...(linksOf.get(l.service_id) ?? []),
        { linkId: l._id, locationId: l.location_id },
      ]);
    }
    const byId = new Map(serviceDocs.map((d) => [d._id, d]));
    for (const id of serviceIds) {
      setServiceLinks(data, id, linksOf.get(id) ?? []);
      const doc = byId.get(id);
      if (doc) putService(data, serviceListing(doc));
      else removeService(data, id);
    }
  }

  /**
   * Documents whose `field` (`_id`, or `service_id` with its by_service index) is one of `values`:
   * one indexed `$in` read (at most MAX_PATCHED_RECORDS values, or a service's links).
   */
  private async findByIds(
    collection: Collection<StoredHsds>,
    field: '_id' | 'service_id',
    values: string[],
    projection: Record<string, 1>,
  ): Promise<StoredHsds[]> {
    if (values.length === 0) return [];
    const filter = { [field]: { $in: values } } as Filter<StoredHsds>;
    return collection.find(filter, { projection }).toArray();
  }

  // ---- the bulk build ----

  private async load(now: Date, gently: boolean): Promise<MatchSnapshot> {
    const data = emptySnapshot();
    const reads: Array<() => Promise<void>> = [
      () =>
        this.readAll(this.directory.organizations, ORGANISATION, (o) =>
          putOrganisation(data, o._id, organisationListing(o)),
        ),
      () => this.readAll(this.directory.locations, LOCATION, (l) => putLocation(data, l._id, positionOf(l))),
      () =>
        this.readAll(this.directory.serviceAtLocations, LINK, (l) => {
          if (l.service_id && l.location_id) putLink(data, l._id, l.service_id, l.location_id);
        }),
      () => this.readAll(this.directory.services, SERVICE, (s) => putService(data, serviceListing(s))),
      () =>
        this.readAll(raw(this.assurance.collection), { _id: 1, evidence: 1 }, (a) =>
          putEvidence(data, String(a._id), (a['evidence'] as never) ?? {}),
        ),
      () =>
        this.readAll(
          raw(this.capacity.collection),
          { _id: 1, declared: 1, caseload: 1, waitlist: 1, freedLast90Days: 1, updatedAt: 1 },
          (c) => putCapacity(data, String(c._id), signalsFromDoc(c as never)),
        ),
      () =>
        this.readAll(raw(this.trust.collection), { _id: 1, trust: 1, submittedPerDay: 1 }, (t) =>
          putTrust(data, String(t._id), trustFromDoc(t as never, now)),
        ),
    ];
    // Gently: one collection after the other, so a background rebuild adds one query's worth of
    // load to the database (and one cursor to this process) at a time beside requests.
    if (gently) for (const read of reads) await read();
    else await Promise.all(reads.map((read) => read()));
    return data;
  }

  /** Every document of a collection through one cursor read to the end (so it is closed). */
  private async readAll<T extends Document>(
    collection: Collection<T>,
    projection: Record<string, 1>,
    each: (doc: T) => void,
  ): Promise<void> {
    for await (const doc of collection.find({}, { projection, batchSize: BATCH })) each(doc as T);
  }
}

const ORGANISATION = { _id: 1, name: 1, sp: 1, organization_identifiers: 1 } as const;
const LOCATION = { _id: 1, latitude: 1, longitude: 1 } as const;
const LINK = { _id: 1, service_id: 1, location_id: 1 } as const;
const SERVICE = {
  _id: 1,
  name: 1,
  status: 1,
  organization_id: 1,
  minimum_age: 1,
  maximum_age: 1,
  languages: 1,
  attributes: 1,
  sp: 1,
} as const;

function raw<T extends Document>(collection: Collection<T>): Collection<Document> {
  return collection as unknown as Collection<Document>;
}

function organisationListing(d: StoredHsds): OrganisationListing {
  const { id: _id, ...profile } = profileOf(d);
  return profile;
}

function positionOf(l: StoredHsds | undefined): LatLong | null {
  if (!l || typeof l.latitude !== 'number' || typeof l.longitude !== 'number') return null;
  return { latitude: Number(l.latitude), longitude: Number(l.longitude) };
}

function serviceListing(s: StoredHsds): ServiceListing {
  return {
    serviceId: s._id,
    serviceName: s.name ?? s._id,
    organisationId: s.organization_id ?? '',
    status: s.status ?? 'active',
    published: (s.sp?.publication ?? 'published') === 'published',
    taxonomyTermIds: taxonomyTermsOf(s),
    ...(typeof s.minimum_age === 'number' ? { minimumAge: s.minimum_age } : {}),
    ...(typeof s.maximum_age === 'number' ? { maximumAge: s.maximum_age } : {}),
    languages: (s.languages ?? []).map((l) => l?.code).filter((c): c is string => typeof c === 'string'),
  };
}
