import {
  OrganisationContactEmailChangedV1,
  OrganisationReinstatedV1,
  OrganisationRegisteredV1,
  OrganisationSuspendedV1,
  ServicePublishedV2,
  ServiceUpdatedV1,
  ServiceWithdrawnV1,
  type OrganisationContactEmailChangedV1Data,
  type OrganisationRegisteredV1Data,
  type OrganisationReinstatedV1Data,
  type OrganisationSuspendedV1Data,
  type ServicePublishedV2Data,
  type ServiceUpdatedV1Data,
  type ServiceWithdrawnV1Data,
} from '@sp/contracts';
import type { HsdsTable } from '../hsds-store.port';
import { platformTaxonomyTerms } from '../platform-taxonomy';
import { canonicalJson, languageCodesOf, taxonomyTermIdsOf, type StoredRecord } from './hsds-record';
import { recordIdOf } from './record-ids';

const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
type ServiceStatus = (typeof SERVICE_STATUSES)[number];
const CODE = /^[A-Za-z0-9.:_-]{1,64}$/;
const ODS = /^[A-Z0-9]{3,10}$/;

/** A service's listing as the platform routes referrals by (the payload of service.published/updated). */
export type ServiceListing = Omit<ServiceUpdatedV1Data, 'occurredAt'>;

/** One event a change owes the world, before it is wrapped in an envelope. */
export type DirectoryEvent =
  | { contract: typeof OrganisationRegisteredV1; data: OrganisationRegisteredV1Data }
  | { contract: typeof OrganisationSuspendedV1; data: OrganisationSuspendedV1Data }
  | { contract: typeof OrganisationReinstatedV1; data: OrganisationReinstatedV1Data }
  | { contract: typeof OrganisationContactEmailChangedV1; data: OrganisationContactEmailChangedV1Data }
  | { contract: typeof ServicePublishedV2; data: ServicePublishedV2Data }
  | { contract: typeof ServiceUpdatedV1; data: ServiceUpdatedV1Data }
  | { contract: typeof ServiceWithdrawnV1; data: ServiceWithdrawnV1Data };

/** Need code of each platform need taxonomy term, by the term's id (UUID). */
const NEED_CODE_BY_TERM_ID: ReadonlyMap<string, string> = new Map(
  platformTaxonomyTerms().map((term) => [recordIdOf('taxonomy_terms', term.id), String(term['code'])]),
);

function integerAge(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 150
    ? value
    : undefined;
}

/**
 * The listing of a stored service, with the codes of its platform need terms (`needCodes`: what
 * referrals match on; term ids are UUIDs). Values the contract cannot carry are left out rather than
 * failing the write: a status outside HSDS's list reads as 'inactive', non-integer ages and
 * malformed codes are omitted (the management API and the importer refuse them earlier anyway).
 */
export function listingOf(service: StoredRecord): ServiceListing {
  const status = (SERVICE_STATUSES as readonly string[]).includes(String(service['status']))
    ? (service['status'] as ServiceStatus)
    : 'inactive';
  const minimumAge = integerAge(service['minimum_age']);
  const maximumAge = integerAge(service['maximum_age']);
  const termIds = taxonomyTermIdsOf(service)
    .filter((id) => CODE.test(id))
    .slice(0, 100);
  const needCodes = termIds.flatMap((id) => NEED_CODE_BY_TERM_ID.get(id) ?? []).filter((c) => CODE.test(c));
  return {
    serviceId: service.id,
    organisationId: String(service['organization_id'] ?? ''),
    status,
    taxonomyTermIds: termIds,
    needCodes: [...new Set(needCodes)].sort(),
    ...(minimumAge !== undefined ? { minimumAge } : {}),
    ...(maximumAge !== undefined ? { maximumAge } : {}),
    languages: languageCodesOf(service)
      .filter((c) => CODE.test(c))
      .slice(0, 50),
  };
}

const isPublished = (r: StoredRecord | null): boolean =>
  r !== null && (r.sp?.publication ?? 'published') === 'published';

/**
 * The directory events a write owes, from the record before (null: new) and after:
 * - organisations: registered when new; suspended / reinstated when `sp.status` flips; contact
 *   email changed when its `email` is set, changed or removed (notifications emails it);
 * - services: published (v2) when new and published, or when a withdrawn one is published again;
 *   updated when a published service's listing changed; withdrawn when it leaves the directory.
 * Other tables have no events. Pure: no clock, no I/O.
 */
export function directoryEventsFor(
  table: HsdsTable,
  previous: StoredRecord | null,
  next: StoredRecord,
  occurredAt: string,
): DirectoryEvent[] {
  if (table === 'organizations') return organisationEvents(previous, next, occurredAt);
  if (table === 'services') return serviceEvents(previous, next, occurredAt);
  return [];
}

function organisationEvents(
  previous: StoredRecord | null,
  next: StoredRecord,
  occurredAt: string,
): DirectoryEvent[] {
  const organisationId = next.id;
  const events: DirectoryEvent[] = [];
  if (previous === null) {
    const odsCode = next.sp?.odsCode;
    events.push({
      contract: OrganisationRegisteredV1,
      data: {
        organisationId,
        ...(odsCode !== undefined && ODS.test(odsCode) ? { odsCode } : {}),
        kind: next.sp?.kind ?? 'vcs',
        occurredAt,
      },
    });
  }
  const before = previous?.sp?.status ?? 'active';
  const after = next.sp?.status ?? 'active';
  if (before !== 'suspended' && after === 'suspended') {
    const reason = next.sp?.suspensionReason;
    events.push({
      contract: OrganisationSuspendedV1,
      data: {
        organisationId,
        reasonCode: reason !== undefined && CODE.test(reason) ? reason : 'unspecified',
        occurredAt,
      },
    });
  }
  if (previous !== null && before === 'suspended' && after !== 'suspended') {
    events.push({ contract: OrganisationReinstatedV1, data: { organisationId, occurredAt } });
  }
  const emailBefore = contactEmailOf(previous);
  const emailAfter = contactEmailOf(next);
  if (emailBefore !== emailAfter) {
    events.push({
      contract: OrganisationContactEmailChangedV1,
      data: { organisationId, ...(emailAfter !== undefined ? { email: emailAfter } : {}), occurredAt },
    });
  }
  return events;
}

// What the contract accepts as an address (the management API checks `format: email` earlier; an
// imported feed's malformed value is left out rather than failing the write).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function contactEmailOf(record: StoredRecord | null): string | undefined {
  const email = record?.['email'];
  return typeof email === 'string' && email.length <= 254 && EMAIL.test(email) ? email : undefined;
}

function serviceEvents(
  previous: StoredRecord | null,
  next: StoredRecord,
  occurredAt: string,
): DirectoryEvent[] {
  const wasPublished = isPublished(previous);
  const nowPublished = isPublished(next);
  const listing = listingOf(next);
  if (nowPublished && !wasPublished) {
    return [{ contract: ServicePublishedV2, data: { ...listing, occurredAt } }];
  }
  if (wasPublished && !nowPublished && previous !== null) {
    return [
      {
        contract: ServiceWithdrawnV1,
        data: {
          serviceId: next.id,
          organisationId: listingOf(previous).organisationId || listing.organisationId,
          occurredAt,
        },
      },
    ];
  }
  if (wasPublished && nowPublished && previous !== null) {
    if (canonicalJson(listingOf(previous)) !== canonicalJson(listing)) {
      return [{ contract: ServiceUpdatedV1, data: { ...listing, occurredAt } }];
    }
  }
  return [];
}
