import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Filter } from 'mongodb';
import { DomainError, ValidationError } from '@sp/errors';
import { SERVICE_SIGNALS, type ServiceSignalsReader } from '../signals/service-signals.port';
import {
  bydayPattern,
  containsPattern,
  distanceMeters,
  hsdsPage,
  type HsdsPage,
  type ListQuery,
} from './domain/hsds-query';
import { taxonomyTermIdsOf, type StoredRecord } from './domain/hsds-record';
import { recordIdOf } from './domain/record-ids';
import {
  organizationContent,
  organizationView,
  recordView,
  serviceView,
  withSignals,
  withTerms,
  type Json,
} from './domain/hsds-views';
import { HsdsStoreRepository } from './hsds-store.repository';
import type { HsdsTable } from './hsds-store.port';
import { POSTCODE_LOCATOR, type PostcodeLocator } from './postcode-locator.port';

const NO_OUTBOX = { projection: { outbox: 0, outboxPending: 0, outboxRelayPass: 0 } };
/** Upper bound of records pulled into memory for a distance-ordered listing. */
const MAX_PROXIMITY_CANDIDATES = 20_000;

export function notFound(kind: string, id: string): DomainError {
  return new DomainError(`HSDS.${kind.toUpperCase()}_NOT_FOUND`, `No ${kind} with id ${id}`, { status: 404 });
}

/**
 * Reads of the HSDS API. Lists show the directory as the public sees it: services that are active
 * (HSDS status) and published (not withdrawn) and whose organisation is not suspended;
 * `/services/{id}` and `/service_at_locations/{id}` answer 404 for a withdrawn service or one of a
 * suspended organisation (and for its service_at_locations), as for an id that does not exist.
 * Records are named by their UUID; a record's slug, where it has one, names it too (in paths and in
 * the id filters: organization_id, taxonomy_id, taxonomy_term_id, parent_id).
 */
@Injectable()
export class HsdsReader {
  constructor(
    private readonly store: HsdsStoreRepository,
    @Optional() @Inject(SERVICE_SIGNALS) private readonly signals?: ServiceSignalsReader,
    @Optional() @Inject(POSTCODE_LOCATOR) private readonly postcodes?: PostcodeLocator,
  ) {}

  private col(table: HsdsTable) {
    return this.store.collection(table);
  }

  private async suspendedOrganisations(): Promise<string[]> {
    const docs = await this.col('organizations')
      .find({ 'sp.status': 'suspended' }, { projection: { _id: 1 } })
      .toArray();
    return docs.map((d) => d._id);
  }

  /** The filter of listed services for a query (text, taxonomy, organisation, modified_after). */
  private async serviceFilter(q: ListQuery): Promise<Filter<StoredRecord>> {
    const and: Filter<StoredRecord>[] = [{ status: 'active' }, { 'sp.publication': { $ne: 'withdrawn' } }];
    const suspended = await this.suspendedOrganisations();
    if (suspended.length > 0) and.push({ organization_id: { $nin: suspended } });
    if (q.search) and.push({ 'sp.searchText': { $regex: containsPattern(q.search) } });
    if (q.taxonomyTermId) and.push({ 'sp.taxonomyTermIds': recordIdOf('taxonomy_terms', q.taxonomyTermId) });
    if (q.taxonomyId) {
      const terms = await this.col('taxonomy_terms')
        .find({ taxonomy_id: recordIdOf('taxonomies', q.taxonomyId) }, { projection: { _id: 1 } })
        .toArray();
      and.push({ 'sp.taxonomyTermIds': { $in: terms.map((t) => t._id) } });
    }
    if (q.organizationId) and.push({ organization_id: recordIdOf('organizations', q.organizationId) });
    if (q.modifiedAfter) and.push({ 'sp.modifiedAt': { $gte: q.modifiedAfter } });
    if (q.minimumAge !== undefined) and.push({ minimum_age: { $gte: q.minimumAge } });
    if (q.maximumAge !== undefined) and.push({ maximum_age: { $lte: q.maximumAge } });
    // Time and day filters match one schedule of the service together (opens, closes, day).
    const schedule: Record<string, unknown> = {};
    if (q.startTime) schedule['opens_at'] = { $gte: q.startTime };
    if (q.endTime) schedule['closes_at'] = { $lte: q.endTime };
    if (q.day) schedule['byday'] = { $regex: bydayPattern(q.day) };
    if (Object.keys(schedule).length > 0) and.push({ schedules: { $elemMatch: schedule } });
    return { $and: and };
  }

  private async signalsFor(serviceIds: string[]) {
    if (!this.signals || serviceIds.length === 0) return new Map();
    return this.signals.forServices(serviceIds);
  }

  async listServices(q: ListQuery): Promise<HsdsPage<Json>> {
    const filter = await this.serviceFilter(q);
    const [total, docs] = await Promise.all([
      this.col('services').countDocuments(filter),
      this.col('services')
        .find(filter, NO_OUTBOX)
        .sort({ _id: 1 })
        .skip((q.page - 1) * q.perPage)
        .limit(q.perPage)
        .toArray(),
    ]);
    const signals = await this.signalsFor(docs.map((d) => d._id));
    return hsdsPage(
      docs.map((d) => withSignals(serviceView(d), d._id, signals.get(d._id))),
      total,
      q,
    );
  }

  /**
   * A service the public may read by id, with its organisation: null when there is no such service,
   * it is withdrawn, or its organisation is suspended.
   */
  private async readableService(
    id: string,
  ): Promise<{ service: StoredRecord; organisation: StoredRecord | null } | null> {
    const service = await this.col('services').findOne({ _id: recordIdOf('services', id) }, NO_OUTBOX);
    if (!service || service.sp?.publication === 'withdrawn') return null;
    const organisationId = String(service['organization_id'] ?? '');
    const organisation = organisationId
      ? await this.col('organizations').findOne({ _id: organisationId }, NO_OUTBOX)
      : null;
    if (organisation?.sp?.status === 'suspended') return null;
    return { service, organisation };
  }

  /** The fully nested service: organization, service_at_locations with locations, attributes with terms. */
  async getService(id: string): Promise<Json> {
    const readable = await this.readableService(id);
    if (!readable) throw notFound('service', id);
    const { service, organisation } = readable;
    id = service._id;
    const [links, termViews, signals] = await Promise.all([
      this.col('service_at_locations').find({ service_id: id }, NO_OUTBOX).sort({ _id: 1 }).toArray(),
      this.termsById(service.sp?.taxonomyTermIds ?? []),
      this.signalsFor([id]),
    ]);
    const locations = await this.byId(
      'locations',
      links.map((l) => String(l['location_id'] ?? '')),
    );
    const view = serviceView(service);
    if (organisation) view['organization'] = organizationContent(organisation);
    view['service_at_locations'] = links.map((link) => {
      const location = locations.get(String(link['location_id'] ?? ''));
      return { ...recordView(link), ...(location ? { location: recordView(location) } : {}) };
    });
    return withSignals(withTerms(view, termViews), id, signals.get(id));
  }

  /**
   * One service_at_location, fully nested: its location, its attributes with their taxonomy terms,
   * and (as in the list) its service, here with the service's organization. 404 when the link does
   * not exist or its service may not be read by id (withdrawn, organisation suspended).
   * HSDS 3.0's openapi.json describes this operation ("fully nested service_at_location") but points
   * its 200 schema at compiled/service.json; the body follows the description and validates as
   * service_at_location.json.
   */
  async getServiceAtLocation(id: string): Promise<Json> {
    const link = await this.col('service_at_locations').findOne(
      { _id: recordIdOf('service_at_locations', id) },
      NO_OUTBOX,
    );
    const readable = link ? await this.readableService(String(link['service_id'] ?? '')) : null;
    if (!link || !readable) throw notFound('service_at_location', id);
    const { service, organisation } = readable;
    const locationId = String(link['location_id'] ?? '');
    const location = locationId ? await this.col('locations').findOne({ _id: locationId }, NO_OUTBOX) : null;
    const view = withTerms(recordView(link), await this.termsById(taxonomyTermIdsOf(link)));
    return {
      ...view,
      ...(location ? { location: recordView(location) } : {}),
      service: {
        ...serviceView(service),
        ...(organisation ? { organization: organizationContent(organisation) } : {}),
      },
    };
  }

  private async byId(table: HsdsTable, ids: string[]): Promise<Map<string, StoredRecord>> {
    const unique = [...new Set(ids.filter(Boolean))];
    if (unique.length === 0) return new Map();
    const docs = await this.col(table)
      .find({ _id: { $in: unique } }, NO_OUTBOX)
      .toArray();
    return new Map(docs.map((d) => [d._id, d]));
  }

  private async termsById(ids: string[]): Promise<Map<string, Json>> {
    const docs = await this.byId('taxonomy_terms', ids);
    return new Map([...docs].map(([k, v]) => [k, recordView(v)]));
  }

  /**
   * service_at_locations of listed services. With `postcode`, results are ordered nearest first
   * (distance from the postcode centroid to the location, in `sp_distance_meters`); with
   * `proximity` too, only those within it. Locations without coordinates are left out then.
   */
  async listServiceAtLocations(q: ListQuery): Promise<HsdsPage<Json>> {
    const serviceFilter = await this.serviceFilter({ ...q, modifiedAfter: undefined } as ListQuery);
    const services = await this.col('services').find(serviceFilter, NO_OUTBOX).toArray();
    const serviceById = new Map(services.map((s) => [s._id, s]));
    let links = await this.col('service_at_locations')
      .find({ service_id: { $in: [...serviceById.keys()] } }, NO_OUTBOX)
      .sort({ _id: 1 })
      .toArray();
    const locations = await this.byId(
      'locations',
      links.map((l) => String(l['location_id'] ?? '')),
    );
    if (q.modifiedAfter) {
      const after = q.modifiedAfter.getTime();
      const changed = (r: StoredRecord | undefined) =>
        r?.sp?.modifiedAt !== undefined && new Date(r.sp.modifiedAt).getTime() >= after;
      links = links.filter(
        (l) =>
          changed(l) ||
          changed(serviceById.get(String(l['service_id']))) ||
          changed(locations.get(String(l['location_id']))),
      );
    }
    let distances: Map<string, number> | undefined;
    if (q.postcode) {
      const centre = await this.locate(q.postcode);
      distances = new Map();
      for (const link of links.slice(0, MAX_PROXIMITY_CANDIDATES)) {
        const loc = locations.get(String(link['location_id']));
        const lat = loc?.['latitude'];
        const lng = loc?.['longitude'];
        if (typeof lat !== 'number' || typeof lng !== 'number') continue;
        distances.set(
          link._id,
          distanceMeters({ lat: centre.latitude, lng: centre.longitude }, { lat, lng }),
        );
      }
      const within = q.proximityMeters;
      links = links
        .filter((l) => distances!.has(l._id) && (within === undefined || distances!.get(l._id)! <= within))
        .sort((a, b) => distances!.get(a._id)! - distances!.get(b._id)! || a._id.localeCompare(b._id));
    }
    const page = links.slice((q.page - 1) * q.perPage, q.page * q.perPage);
    return hsdsPage(
      page.map((link) => {
        const location = locations.get(String(link['location_id']));
        const service = serviceById.get(String(link['service_id']));
        return {
          ...recordView(link),
          ...(location ? { location: recordView(location) } : {}),
          ...(service ? { service: serviceView(service) } : {}),
          ...(distances?.has(link._id) ? { sp_distance_meters: distances.get(link._id) } : {}),
        };
      }),
      links.length,
      q,
    );
  }

  private async locate(postcode: string): Promise<{ latitude: number; longitude: number }> {
    const fromTable = this.postcodes ? await this.postcodes.locate(postcode) : null;
    if (fromTable) return fromTable;
    const location = await this.col('locations').findOne(
      { 'sp.postcode': postcode, latitude: { $type: 'number' }, longitude: { $type: 'number' } },
      NO_OUTBOX,
    );
    if (location) return { latitude: Number(location['latitude']), longitude: Number(location['longitude']) };
    throw new ValidationError('The postcode is not known', [
      { field: 'postcode', code: 'unknown', message: `postcode ${postcode} is not in the postcode table` },
    ]);
  }

  async listOrganizations(q: ListQuery): Promise<HsdsPage<Json>> {
    const filter: Filter<StoredRecord> = q.search
      ? { 'sp.searchText': { $regex: containsPattern(q.search) } }
      : {};
    const [total, docs] = await Promise.all([
      this.col('organizations').countDocuments(filter),
      this.col('organizations')
        .find(filter, NO_OUTBOX)
        .sort({ _id: 1 })
        .skip((q.page - 1) * q.perPage)
        .limit(q.perPage)
        .toArray(),
    ]);
    const verification =
      this.signals && docs.length > 0 ? await this.signals.verificationOf(docs.map((d) => d._id)) : new Map();
    return hsdsPage(
      docs.map((d) => organizationView(d, verification.get(d._id))),
      total,
      q,
    );
  }

  /** An organization with its listed services (HSDS "organization with service array"). */
  async getOrganization(id: string): Promise<Json> {
    const org = await this.col('organizations').findOne({ _id: recordIdOf('organizations', id) }, NO_OUTBOX);
    if (!org) throw notFound('organization', id);
    id = org._id;
    const [services, verification] = await Promise.all([
      this.col('services')
        .find({ organization_id: id, 'sp.publication': { $ne: 'withdrawn' } }, NO_OUTBOX)
        .sort({ _id: 1 })
        .limit(1000)
        .toArray(),
      this.signals ? this.signals.verificationOf([id]) : Promise.resolve(new Map()),
    ]);
    const view = organizationView(org, verification.get(id));
    view['services'] = services.map(serviceView);
    return view;
  }

  async listTaxonomies(q: ListQuery): Promise<HsdsPage<Json>> {
    return this.simpleList(
      'taxonomies',
      q.search ? { 'sp.searchText': { $regex: containsPattern(q.search) } } : {},
      q,
    );
  }

  async getTaxonomy(id: string): Promise<Json> {
    return this.simpleGet('taxonomies', 'taxonomy', id);
  }

  async listTaxonomyTerms(q: ListQuery): Promise<HsdsPage<Json>> {
    const and: Filter<StoredRecord>[] = [];
    if (q.search) and.push({ 'sp.searchText': { $regex: containsPattern(q.search) } });
    if (q.taxonomyId) and.push({ taxonomy_id: recordIdOf('taxonomies', q.taxonomyId) });
    if (q.parentId) and.push({ parent_id: recordIdOf('taxonomy_terms', q.parentId) });
    if (q.topOnly)
      and.push({ $or: [{ parent_id: { $exists: false } }, { parent_id: null }, { parent_id: '' }] });
    return this.simpleList('taxonomy_terms', and.length > 0 ? { $and: and } : {}, q);
  }

  async getTaxonomyTerm(id: string): Promise<Json> {
    return this.simpleGet('taxonomy_terms', 'taxonomy_term', id);
  }

  private async simpleList(
    table: HsdsTable,
    filter: Filter<StoredRecord>,
    q: ListQuery,
  ): Promise<HsdsPage<Json>> {
    const [total, docs] = await Promise.all([
      this.col(table).countDocuments(filter),
      this.col(table)
        .find(filter, NO_OUTBOX)
        .sort({ _id: 1 })
        .skip((q.page - 1) * q.perPage)
        .limit(q.perPage)
        .toArray(),
    ]);
    return hsdsPage(docs.map(recordView), total, q);
  }

  private async simpleGet(table: HsdsTable, kind: string, id: string): Promise<Json> {
    const doc = await this.col(table).findOne({ _id: recordIdOf(table, id) }, NO_OUTBOX);
    if (!doc) throw notFound(kind, id);
    return recordView(doc);
  }
}
