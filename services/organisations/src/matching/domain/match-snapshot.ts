// The in-memory copy of the directory that matching ranks on: listings (services, their
// organisation, sites, classification, eligibility) and the signals ranking needs (evidence for
// verification, capacity, trust), indexed by taxonomy term. Built in bulk, then patched entry by
// entry as this process writes (see MatchSnapshotStore). Pure: maps in, maps out, no I/O.
//
// Verification is not stored but computed from the organisation's evidence at match time, so
// evidence that expires between two rebuilds stops counting at its expiry, without a sweep.
import type { EvidenceType } from '@sp/contracts';
import { haversineKm, type LatLong } from '../../postcodes/domain/postcode';
import {
  NO_TRUST_HISTORY,
  type CapacitySignals,
  type TrustSignals,
} from '../../signals/service-signals.port';
import { computeVerification, type EvidenceRecord } from '../../trust/domain/verification.rules';
import type { MatchCandidate } from './ranking';

/** What the snapshot holds of a service itself (organisation, sites and signals are joined at match time). */
export interface ServiceListing {
  serviceId: string;
  serviceName: string;
  organisationId: string;
  /** HSDS service status. */
  status: string;
  published: boolean;
  taxonomyTermIds: string[];
  minimumAge?: number;
  maximumAge?: number;
  languages: string[];
}

export interface OrganisationListing {
  name?: string;
  kind?: string;
  odsCode?: string;
  active: boolean;
}

export type Evidence = Partial<Record<EvidenceType, EvidenceRecord>>;

/** A service as indexed by term, with its located sites resolved on first use (see sitesVersion). */
export interface IndexedService {
  listing: ServiceListing;
  sites?: LatLong[];
  sitesVersion: number;
}

export interface MatchSnapshot {
  services: Map<string, ServiceListing>;
  /** term id -> service id -> the service (one object per service, shared by its terms). */
  byTerm: Map<string, Map<string, IndexedService>>;
  /** Bumped by every location or link change: sites resolved before are resolved again. */
  sitesVersion: number;
  organisations: Map<string, OrganisationListing>;
  /** Located sites (locations with coordinates). */
  locations: Map<string, LatLong>;
  /** service id -> service_at_location id -> location id. */
  sitesOf: Map<string, Map<string, string>>;
  /** service_at_location id -> service id. */
  linkOwner: Map<string, string>;
  evidence: Map<string, Evidence>;
  /**
   * Verification per organisation, computed once from its profile and evidence: verified while
   * the time is before `until` (-Infinity: unverified). Evidence only expires, so a verification
   * computed at `at` holds for every later time; dropped when the profile or evidence changes.
   */
  verification: Map<string, { at: number; until: number }>;
  /** Absent: capacity never declared. */
  capacity: Map<string, CapacitySignals>;
  /** Absent: no referral history. */
  trust: Map<string, TrustSignals>;
}

export function emptySnapshot(): MatchSnapshot {
  return {
    services: new Map(),
    byTerm: new Map(),
    sitesVersion: 0,
    organisations: new Map(),
    locations: new Map(),
    sitesOf: new Map(),
    linkOwner: new Map(),
    evidence: new Map(),
    verification: new Map(),
    capacity: new Map(),
    trust: new Map(),
  };
}

/** Adds or replaces a service, moving it between term indexes when its classification changed. */
export function putService(s: MatchSnapshot, listing: ServiceListing): void {
  removeService(s, listing.serviceId);
  s.services.set(listing.serviceId, listing);
  const indexed: IndexedService = { listing, sitesVersion: -1 };
  for (const term of new Set(listing.taxonomyTermIds)) {
    const members = s.byTerm.get(term);
    if (members) members.set(listing.serviceId, indexed);
    else s.byTerm.set(term, new Map([[listing.serviceId, indexed]]));
  }
}

/** Forgets a service (its links stay: they are the links table's). */
export function removeService(s: MatchSnapshot, serviceId: string): void {
  const previous = s.services.get(serviceId);
  if (!previous) return;
  s.services.delete(serviceId);
  for (const term of new Set(previous.taxonomyTermIds)) {
    const members = s.byTerm.get(term);
    members?.delete(serviceId);
    if (members?.size === 0) s.byTerm.delete(term);
  }
}

/** Adds, replaces or (null) forgets an organisation. */
export function putOrganisation(s: MatchSnapshot, id: string, org: OrganisationListing | null): void {
  if (org) s.organisations.set(id, org);
  else s.organisations.delete(id);
  s.verification.delete(id);
}

/** Adds, moves or (null: gone, or no coordinates) forgets a located site. */
export function putLocation(s: MatchSnapshot, id: string, position: LatLong | null): void {
  if (position) s.locations.set(id, position);
  else s.locations.delete(id);
  s.sitesVersion += 1;
}

/** Adds or replaces one service_at_location link. */
export function putLink(s: MatchSnapshot, linkId: string, serviceId: string, locationId: string): void {
  removeLink(s, linkId);
  s.sitesVersion += 1;
  s.linkOwner.set(linkId, serviceId);
  const sites = s.sitesOf.get(serviceId);
  if (sites) sites.set(linkId, locationId);
  else s.sitesOf.set(serviceId, new Map([[linkId, locationId]]));
}

export function removeLink(s: MatchSnapshot, linkId: string): void {
  const owner = s.linkOwner.get(linkId);
  if (owner === undefined) return;
  s.sitesVersion += 1;
  s.linkOwner.delete(linkId);
  const sites = s.sitesOf.get(owner);
  sites?.delete(linkId);
  if (sites?.size === 0) s.sitesOf.delete(owner);
}

/** Replaces every link of a service with those given (what its re-read found). */
export function setServiceLinks(
  s: MatchSnapshot,
  serviceId: string,
  links: Array<{ linkId: string; locationId: string }>,
): void {
  for (const linkId of [...(s.sitesOf.get(serviceId)?.keys() ?? [])]) removeLink(s, linkId);
  for (const l of links) putLink(s, l.linkId, serviceId, l.locationId);
}

export function putEvidence(s: MatchSnapshot, organisationId: string, evidence: Evidence): void {
  s.evidence.set(organisationId, evidence);
  s.verification.delete(organisationId);
}

export function putCapacity(s: MatchSnapshot, serviceId: string, capacity: CapacitySignals | null): void {
  if (capacity) s.capacity.set(serviceId, capacity);
  else s.capacity.delete(serviceId);
}

export function putTrust(s: MatchSnapshot, serviceId: string, trust: TrustSignals): void {
  s.trust.set(serviceId, trust);
}

/** The located sites of a service. */
export function sitesOf(s: MatchSnapshot, serviceId: string): LatLong[] {
  const out: LatLong[] = [];
  for (const locationId of s.sitesOf.get(serviceId)?.values() ?? []) {
    const p = s.locations.get(locationId);
    if (p) out.push(p);
  }
  return out;
}

/** Whether an organisation is verified at `now`, from its profile and evidence in the snapshot. */
export function verifiedAt(s: MatchSnapshot, organisationId: string, now: Date): boolean {
  const t = now.getTime();
  let cached = s.verification.get(organisationId);
  if (!cached || t < cached.at) {
    const org = s.organisations.get(organisationId);
    const v = computeVerification(org ?? {}, s.evidence.get(organisationId) ?? {}, now);
    const until = !v.verified ? -Infinity : v.verifiedUntil ? Date.parse(v.verifiedUntil) : Infinity;
    cached = { at: t, until };
    s.verification.set(organisationId, cached);
  }
  return t < cached.until;
}

/** A service of the snapshot as the ranking takes it, with the snapshot's signals. */
export function candidateOf(
  s: MatchSnapshot,
  listing: ServiceListing,
  locations: LatLong[],
  verified: boolean,
): MatchCandidate {
  const org = s.organisations.get(listing.organisationId);
  // Built property by property (one object shape for all): thousands are built per match.
  const c: MatchCandidate = {
    serviceId: listing.serviceId,
    serviceName: listing.serviceName,
    organisationId: listing.organisationId,
    status: listing.status,
    published: listing.published,
    organisationActive: org?.active ?? false,
    organisationVerified: verified,
    taxonomyTermIds: listing.taxonomyTermIds,
    languages: listing.languages,
    locations,
    capacity: s.capacity.get(listing.serviceId) ?? null,
    trust: s.trust.get(listing.serviceId) ?? NO_TRUST_HISTORY,
  };
  if (org?.name !== undefined) c.organisationName = org.name;
  if (listing.minimumAge !== undefined) c.minimumAge = listing.minimumAge;
  if (listing.maximumAge !== undefined) c.maximumAge = listing.maximumAge;
  return c;
}

/** Kilometres per degree of latitude, rounded down: |Δlatitude| x this never exceeds the distance. */
const KM_PER_DEGREE_LATITUDE = 111.19;

function resolvedSites(s: MatchSnapshot, indexed: IndexedService): LatLong[] {
  if (indexed.sites === undefined || indexed.sitesVersion !== s.sitesVersion) {
    indexed.sites = sitesOf(s, indexed.listing.serviceId);
    indexed.sitesVersion = s.sitesVersion;
  }
  return indexed.sites;
}

/** Whether a site is within the radius; the latitude alone rules most far sites out without trigonometry. */
function within(origin: LatLong, site: LatLong, radiusKm: number): boolean {
  if (Math.abs(site.latitude - origin.latitude) * KM_PER_DEGREE_LATITUDE > radiusKm) return false;
  return haversineKm(origin, site) <= radiusKm;
}

/**
 * Services classified under at least one need whose nearest site is within the radius, plus those
 * with no located site (ranking keeps them with a neutral distance), plus up to `farSample` beyond
 * the radius so the answer can still say why they were left out; each once, with the snapshot's
 * signals and verification as of `now`.
 */
export function candidatesNear(
  s: MatchSnapshot,
  needs: string[],
  origin: LatLong,
  radiusKm: number,
  now: Date,
  farSample = 20,
): MatchCandidate[] {
  const verified = new Map<string, boolean>();
  const out: MatchCandidate[] = [];
  const asked = [...new Set(needs)];
  let far = 0;
  asked.forEach((need, n) => {
    const earlier = asked.slice(0, n);
    for (const indexed of s.byTerm.get(need)?.values() ?? []) {
      const listing = indexed.listing;
      // Listed under an earlier need: already taken (or left) there.
      if (n > 0 && earlier.some((e) => listing.taxonomyTermIds.includes(e))) continue;
      const sites = resolvedSites(s, indexed);
      let near = sites.length === 0;
      for (let i = 0; !near && i < sites.length; i += 1) near = within(origin, sites[i]!, radiusKm);
      if (!near) {
        if (far >= farSample) continue;
        far += 1;
      }
      let v = verified.get(listing.organisationId);
      if (v === undefined)
        verified.set(listing.organisationId, (v = verifiedAt(s, listing.organisationId, now)));
      out.push(candidateOf(s, listing, sites, v));
    }
  });
  return out;
}
