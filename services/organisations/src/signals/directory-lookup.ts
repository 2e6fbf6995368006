import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';

/** The parts of a stored HSDS record (see hsds-store.port.ts) that trust, capacity and matching read. */
export interface StoredHsds extends Document {
  _id: string;
  id?: string;
  name?: string;
  status?: string;
  organization_id?: string;
  service_id?: string;
  location_id?: string;
  minimum_age?: number;
  maximum_age?: number;
  latitude?: number;
  longitude?: number;
  languages?: Array<{ code?: string }>;
  attributes?: Array<{ taxonomy_term_id?: string }>;
  organization_identifiers?: Array<{ identifier_scheme?: string; identifier?: string }>;
  sp?: {
    kind?: string;
    status?: string;
    odsCode?: string;
    publication?: string;
    taxonomyTermIds?: string[];
  };
}

export interface OrganisationProfile {
  id: string;
  name?: string;
  kind?: string;
  odsCode?: string;
  active: boolean;
}

const ODS_SCHEMES = ['ODS', 'ods', 'https://fhir.nhs.uk/Id/ods-organization-code'];

/**
 * Read-only access to the directory collections the HSDS store writes (organizations, services,
 * locations, service_at_locations). Trust, capacity and matching never write them.
 */
@Injectable()
export class DirectoryLookup {
  readonly organizations: Collection<StoredHsds>;
  readonly services: Collection<StoredHsds>;
  readonly locations: Collection<StoredHsds>;
  readonly serviceAtLocations: Collection<StoredHsds>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.organizations = collectionOf<StoredHsds>(connection, 'organizations');
    this.services = collectionOf<StoredHsds>(connection, 'services');
    this.locations = collectionOf<StoredHsds>(connection, 'locations');
    this.serviceAtLocations = collectionOf<StoredHsds>(connection, 'service_at_locations');
  }

  async service(serviceId: string): Promise<StoredHsds | null> {
    return this.services.findOne(
      { _id: serviceId },
      { projection: { _id: 1, organization_id: 1, status: 1, sp: 1 } },
    );
  }

  async organisationProfiles(ids: string[]): Promise<Map<string, OrganisationProfile>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const docs = await this.organizations
      .find({ _id: { $in: unique } }, { projection: { _id: 1, name: 1, sp: 1, organization_identifiers: 1 } })
      .limit(unique.length)
      .toArray();
    return new Map(docs.map((d) => [d._id, profileOf(d)]));
  }
}

export function profileOf(d: StoredHsds): OrganisationProfile {
  const ods =
    d.sp?.odsCode ??
    d.organization_identifiers?.find((i) => ODS_SCHEMES.includes(i.identifier_scheme ?? ''))?.identifier;
  return {
    id: d._id,
    ...(d.name ? { name: d.name } : {}),
    ...(d.sp?.kind ? { kind: d.sp.kind } : {}),
    ...(ods ? { odsCode: ods } : {}),
    active: (d.sp?.status ?? 'active') === 'active',
  };
}

/** Taxonomy terms of a stored service: the store's derived list, else its attributes. */
export function taxonomyTermsOf(d: StoredHsds): string[] {
  const derived = d.sp?.taxonomyTermIds;
  if (Array.isArray(derived) && derived.length > 0) return derived;
  return [
    ...new Set(
      (d.attributes ?? []).map((a) => a?.taxonomy_term_id).filter((t): t is string => typeof t === 'string'),
    ),
  ];
}
