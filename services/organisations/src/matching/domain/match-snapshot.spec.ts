import { EVIDENCE_TYPES } from '@sp/contracts';
import type { CapacitySignals, TrustSignals } from '../../signals/service-signals.port';
import {
  candidatesNear,
  emptySnapshot,
  putCapacity,
  putEvidence,
  putLink,
  putLocation,
  putOrganisation,
  putService,
  putTrust,
  removeLink,
  removeService,
  setServiceLinks,
  sitesOf,
  type Evidence,
  type MatchSnapshot,
  type ServiceListing,
} from './match-snapshot';

const NOW = new Date('2026-06-01T12:00:00Z');
const middlesbrough = { latitude: 54.5742, longitude: -1.2349 };
const stockton = { latitude: 54.5705, longitude: -1.3187 }; // ~5.4 km from Middlesbrough
const leeds = { latitude: 53.7997, longitude: -1.5492 }; // ~90 km away

const listing = (serviceId: string, taxonomyTermIds: string[], org = `org-${serviceId}`): ServiceListing => ({
  serviceId,
  serviceName: serviceId,
  organisationId: org,
  status: 'active',
  published: true,
  taxonomyTermIds,
  languages: [],
});

const evidenceUntil = (expiresAt: string): Evidence =>
  Object.fromEntries(
    EVIDENCE_TYPES.map((type) => [
      type,
      {
        reference: 'ref',
        verifiedBy: 'ops',
        verifiedAt: '2026-01-01T00:00:00Z',
        expiresAt,
        status: 'current',
      },
    ]),
  );

const capacity = (status: CapacitySignals['status']): CapacitySignals => ({
  status,
  unit: 'places',
  caseload: 0,
  waitlistLength: 0,
  updated: '2026-06-01T00:00:00Z',
});

const trust: TrustSignals = {
  medianHoursToFirstResponse: 12,
  acceptanceRate: 0.9,
  completionRate: 0.8,
  referralsLast90Days: 4,
  sampleSize: 10,
};

/** A service with one site, its organisation active and verified until the end of 2026. */
function add(s: MatchSnapshot, l: ServiceListing, sites = [stockton]): void {
  putService(s, l);
  putOrganisation(s, l.organisationId, { name: `Org of ${l.serviceId}`, kind: 'vcs', active: true });
  putEvidence(s, l.organisationId, evidenceUntil('2026-12-31T00:00:00Z'));
  sites.forEach((p, i) => {
    putLocation(s, `${l.serviceId}-loc-${i}`, p);
    putLink(s, `${l.serviceId}-sal-${i}`, l.serviceId, `${l.serviceId}-loc-${i}`);
  });
}

const ids = (s: MatchSnapshot, needs: string[], radiusKm = 25, farSample = 0, now = NOW) =>
  candidatesNear(s, needs, middlesbrough, radiusKm, now, farSample)
    .map((c) => c.serviceId)
    .sort();

describe('match snapshot: candidatesNear', () => {
  let s: MatchSnapshot;
  beforeEach(() => {
    s = emptySnapshot();
    add(s, listing('both', ['lonely', 'debt', 'lonely']));
    add(s, listing('debt-only', ['debt']));
    add(s, listing('far', ['lonely']), [leeds]);
    add(s, listing('one-site-near', ['lonely']), [leeds, stockton]);
    add(s, listing('no-site', ['lonely']), []);
    add(s, listing('other-need', ['food']));
  });

  it('keeps each service meeting a need once, within the radius or without a located site', () => {
    expect(ids(s, ['lonely', 'debt'])).toEqual(['both', 'debt-only', 'no-site', 'one-site-near']);
  });

  it('adds a bounded sample of services beyond the radius (so exclusions can be explained)', () => {
    expect(ids(s, ['lonely'], 25, 1)).toContain('far');
    expect(ids(s, ['lonely'], 25, 0)).not.toContain('far');
  });

  it('widens with the radius and finds nothing for an unknown need', () => {
    expect(ids(s, ['lonely'], 200)).toContain('far');
    expect(ids(s, ['unknown'], 200)).toEqual([]);
    expect(s.services.size).toBe(6);
  });

  it("joins the organisation, the sites and the snapshot's signals", () => {
    putCapacity(s, 'both', capacity('has-capacity'));
    putTrust(s, 'both', trust);
    const [both] = candidatesNear(s, ['debt'], middlesbrough, 25, NOW).filter((c) => c.serviceId === 'both');
    expect(both).toEqual({
      ...listing('both', ['lonely', 'debt', 'lonely']),
      organisationName: 'Org of both',
      organisationActive: true,
      organisationVerified: true,
      locations: [stockton],
      capacity: capacity('has-capacity'),
      trust,
    });
    const [debtOnly] = candidatesNear(s, ['debt'], middlesbrough, 25, NOW).filter(
      (c) => c.serviceId === 'debt-only',
    );
    expect(debtOnly?.capacity).toBeNull();
    expect(debtOnly?.trust).toEqual({
      medianHoursToFirstResponse: null,
      acceptanceRate: null,
      completionRate: null,
      referralsLast90Days: 0,
      sampleSize: 0,
    });
  });

  it('computes verification at match time: evidence stops counting at its expiry, without a rebuild', () => {
    putEvidence(s, 'org-both', evidenceUntil('2026-06-01T12:00:01Z'));
    const verified = (now: Date) =>
      candidatesNear(s, ['debt'], middlesbrough, 25, now).find((c) => c.serviceId === 'both')
        ?.organisationVerified;
    expect(verified(NOW)).toBe(true);
    expect(verified(new Date('2026-06-01T12:00:01Z'))).toBe(false);
  });

  it('treats an organisation missing from the snapshot as inactive, and unverified without evidence', () => {
    putOrganisation(s, 'org-both', null);
    putEvidence(s, 'org-both', {});
    const both = candidatesNear(s, ['debt'], middlesbrough, 25, NOW).find((c) => c.serviceId === 'both');
    expect(both).toMatchObject({ organisationActive: false, organisationVerified: false });
    expect(both?.organisationName).toBeUndefined();
  });
});

describe('match snapshot: patches', () => {
  let s: MatchSnapshot;
  beforeEach(() => {
    s = emptySnapshot();
    add(s, listing('a', ['lonely']));
    add(s, listing('b', ['lonely', 'debt']));
  });

  it('moves a reclassified service between term indexes and drops empty ones', () => {
    putService(s, listing('a', ['food']));
    expect(ids(s, ['lonely'])).toEqual(['b']);
    expect(ids(s, ['food'])).toEqual(['a']);
    expect(s.services.size).toBe(2);
    putService(s, listing('b', ['food']));
    expect(s.byTerm.has('lonely')).toBe(false);
    expect(s.byTerm.has('debt')).toBe(false);
  });

  it('forgets a removed service everywhere', () => {
    removeService(s, 'b');
    removeService(s, 'never-there');
    expect(ids(s, ['lonely', 'debt'])).toEqual(['a']);
    expect(s.byTerm.has('debt')).toBe(false);
    expect(s.services.has('b')).toBe(false);
  });

  it('follows a moved site, a new link and a removed link', () => {
    putLocation(s, 'a-loc-0', leeds);
    expect(ids(s, ['lonely'])).toEqual(['b']);
    putLocation(s, 'shared-hall', middlesbrough);
    putLink(s, 'a-sal-hall', 'a', 'shared-hall');
    expect(ids(s, ['lonely'])).toEqual(['a', 'b']);
    removeLink(s, 'a-sal-hall');
    removeLink(s, 'unknown-link');
    expect(sitesOf(s, 'a')).toEqual([leeds]);
    putLocation(s, 'a-loc-0', null); // gone, or no coordinates: a service without a located site
    expect(sitesOf(s, 'a')).toEqual([]);
    expect(ids(s, ['lonely'])).toEqual(['a', 'b']);
  });

  it('replaces all links of a service with what a re-read found', () => {
    putLocation(s, 'far-hall', leeds);
    setServiceLinks(s, 'b', [{ linkId: 'b-sal-far', locationId: 'far-hall' }]);
    expect(sitesOf(s, 'b')).toEqual([leeds]);
    expect(s.linkOwner.has('b-sal-0')).toBe(false);
    expect(s.linkOwner.get('b-sal-far')).toBe('b');
    setServiceLinks(s, 'b', []);
    expect(s.sitesOf.has('b')).toBe(false);
  });

  it('moves a link whose service changed to its new owner', () => {
    putLink(s, 'a-sal-0', 'b', 'a-loc-0');
    expect(s.sitesOf.has('a')).toBe(false);
    expect(sitesOf(s, 'b')).toEqual([stockton, stockton]);
  });

  it('replaces capacity, trust, evidence and organisation; null capacity means not declared', () => {
    putCapacity(s, 'a', capacity('no-capacity'));
    putCapacity(s, 'a', capacity('waitlist'));
    putTrust(s, 'a', trust);
    putOrganisation(s, 'org-a', { name: 'Renamed', active: false });
    putEvidence(s, 'org-a', {});
    const a = candidatesNear(s, ['lonely'], middlesbrough, 25, NOW).find((c) => c.serviceId === 'a');
    expect(a).toMatchObject({
      capacity: { status: 'waitlist' },
      trust,
      organisationName: 'Renamed',
      organisationActive: false,
      organisationVerified: false,
    });
    putCapacity(s, 'a', null);
    expect(s.capacity.has('a')).toBe(false);
  });

  it('forgets what it worked out (sites, verification) when a location, link, evidence or organisation changes', () => {
    const a = () => candidatesNear(s, ['lonely'], middlesbrough, 25, NOW, 0).find((c) => c.serviceId === 'a');
    expect(a()).toMatchObject({ locations: [stockton], organisationVerified: true });
    putLocation(s, 'a-loc-0', leeds);
    expect(a()).toBeUndefined(); // now beyond the radius
    putLink(s, 'a-sal-1', 'a', 'b-loc-0');
    expect(a()?.locations).toEqual([leeds, stockton]);
    removeLink(s, 'a-sal-1');
    expect(a()).toBeUndefined();
    putLocation(s, 'a-loc-0', middlesbrough);
    expect(a()?.organisationVerified).toBe(true);
    putEvidence(s, 'org-a', {});
    expect(a()?.organisationVerified).toBe(false);
    putEvidence(s, 'org-a', evidenceUntil('2026-12-31T00:00:00Z'));
    expect(a()?.organisationVerified).toBe(true);
    putOrganisation(s, 'org-a', { kind: 'vcs', active: true });
    putEvidence(s, 'org-a', {});
    putOrganisation(s, 'org-a', { kind: 'link-worker-service', odsCode: 'U81234', active: true });
    expect(a()?.organisationVerified).toBe(true);
  });

  it('works verification out again for a time before the one it was worked out at', () => {
    putEvidence(s, 'org-a', evidenceUntil('2026-06-01T12:00:00Z')); // expired at NOW
    const at = (now: Date) =>
      candidatesNear(s, ['lonely'], middlesbrough, 25, now).find((c) => c.serviceId === 'a')
        ?.organisationVerified;
    expect(at(NOW)).toBe(false);
    expect(at(new Date('2026-06-01T11:59:59Z'))).toBe(true);
    expect(at(NOW)).toBe(false);
  });

  it('takes a service listed under several of the needs once', () => {
    putService(s, listing('c', ['food', 'debt', 'lonely']));
    putLink(s, 'c-sal', 'c', 'a-loc-0');
    const found = candidatesNear(s, ['lonely', 'food', 'debt', 'lonely'], middlesbrough, 25, NOW).map(
      (c) => c.serviceId,
    );
    expect(found.sort()).toEqual(['a', 'b', 'c']);
  });

  it('verifies an NHS organisation by its ODS code without evidence', () => {
    putOrganisation(s, 'org-a', { kind: 'link-worker-service', odsCode: 'U81234', active: true });
    putEvidence(s, 'org-a', {});
    const a = candidatesNear(s, ['lonely'], middlesbrough, 25, NOW).find((c) => c.serviceId === 'a');
    expect(a?.organisationVerified).toBe(true);
  });
});
