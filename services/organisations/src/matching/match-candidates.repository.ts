import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_SIGNALS, type ServiceSignalsReader } from '../signals/service-signals.port';
import { DirectoryLookup, profileOf, taxonomyTermsOf, type StoredHsds } from '../signals/directory-lookup';
import { NO_TRUST_HISTORY } from '../signals/service-signals.reader';
import type { MatchCandidate } from './domain/ranking';

/** Upper bound of services considered per match (all classified under at least one asked need). */
const MAX_CANDIDATES = 20_000;

/**
 * Loads the services classified under any of the needs, with their organisation, located sites,
 * verification, capacity and trust: the input of the pure ranking. FerretDB has no geo index, so
 * distance is computed in code over the need-filtered set.
 */
@Injectable()
export class MatchCandidatesRepository {
  constructor(
    private readonly directory: DirectoryLookup,
    @Inject(SERVICE_SIGNALS) private readonly signals: ServiceSignalsReader,
  ) {}

  async forNeeds(needs: string[]): Promise<MatchCandidate[]> {
    const services = await this.directory.services
      .find(
        {
          $or: [{ 'sp.taxonomyTermIds': { $in: needs } }, { 'attributes.taxonomy_term_id': { $in: needs } }],
        },
        {
          projection: {
            _id: 1,
            name: 1,
            status: 1,
            organization_id: 1,
            minimum_age: 1,
            maximum_age: 1,
            languages: 1,
            attributes: 1,
            sp: 1,
          },
        },
      )
      .limit(MAX_CANDIDATES)
      .toArray();
    if (services.length === 0) return [];
    const serviceIds = services.map((s) => s._id);
    const orgIds = [
      ...new Set(services.map((s) => s.organization_id).filter((o): o is string => Boolean(o))),
    ];

    const [orgDocs, links, verification, signals] = await Promise.all([
      this.directory.organizations
        .find(
          { _id: { $in: orgIds } },
          { projection: { _id: 1, name: 1, sp: 1, organization_identifiers: 1 } },
        )
        .limit(orgIds.length)
        .toArray(),
      this.directory.serviceAtLocations
        .find({ service_id: { $in: serviceIds } }, { projection: { service_id: 1, location_id: 1 } })
        .toArray(),
      this.signals.verificationOf(orgIds),
      this.signals.forServices(serviceIds),
    ]);
    const locationIds = [...new Set(links.map((l) => l.location_id).filter((l): l is string => Boolean(l)))];
    const locationDocs = locationIds.length
      ? await this.directory.locations
          .find({ _id: { $in: locationIds } }, { projection: { _id: 1, latitude: 1, longitude: 1 } })
          .limit(locationIds.length)
          .toArray()
      : [];
    const orgs = new Map(orgDocs.map((o) => [o._id, profileOf(o)]));
    const positions = new Map(
      locationDocs
        .filter((l) => typeof l.latitude === 'number' && typeof l.longitude === 'number')
        .map((l) => [l._id, { latitude: Number(l.latitude), longitude: Number(l.longitude) }]),
    );
    const sitesOf = new Map<string, Array<{ latitude: number; longitude: number }>>();
    for (const link of links) {
      const p = link.location_id ? positions.get(link.location_id) : undefined;
      if (!p || !link.service_id) continue;
      sitesOf.set(link.service_id, [...(sitesOf.get(link.service_id) ?? []), p]);
    }
    return services.map((s) => toCandidate(s, orgs, sitesOf, verification, signals));
  }
}

function toCandidate(
  s: StoredHsds,
  orgs: Map<string, ReturnType<typeof profileOf>>,
  sitesOf: Map<string, Array<{ latitude: number; longitude: number }>>,
  verification: Awaited<ReturnType<ServiceSignalsReader['verificationOf']>>,
  signals: Awaited<ReturnType<ServiceSignalsReader['forServices']>>,
): MatchCandidate {
  const orgId = s.organization_id ?? '';
  const org = orgs.get(orgId);
  const sig = signals.get(s._id);
  return {
    serviceId: s._id,
    serviceName: s.name ?? s._id,
    organisationId: orgId,
    ...(org?.name ? { organisationName: org.name } : {}),
    status: s.status ?? 'active',
    published: (s.sp?.publication ?? 'published') === 'published',
    organisationActive: org?.active ?? false,
    organisationVerified: verification.get(orgId)?.verified ?? false,
    taxonomyTermIds: taxonomyTermsOf(s),
    ...(typeof s.minimum_age === 'number' ? { minimumAge: s.minimum_age } : {}),
    ...(typeof s.maximum_age === 'number' ? { maximumAge: s.maximum_age } : {}),
    languages: (s.languages ?? []).map((l) => l?.code).filter((c): c is string => typeof c === 'string'),
    locations: sitesOf.get(s._id) ?? [],
    capacity: sig?.capacity ?? null,
    trust: sig?.trust ?? NO_TRUST_HISTORY,
  };
}
