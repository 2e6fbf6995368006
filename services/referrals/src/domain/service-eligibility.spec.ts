import {
  ageOn,
  meetsNeeds,
  targetServiceProblems,
  type ReplicaOrganisation,
  type ReplicaService,
} from './service-eligibility';

const now = new Date('2026-06-15T12:00:00Z');
const service: ReplicaService = {
  _id: 'svc',
  organisationId: 'org',
  status: 'active',
  taxonomyTermIds: ['sp-need-loneliness'],
};
const org: ReplicaOrganisation = { _id: 'org', registered: true, verified: true };
const codes = (s: ReplicaService | null, o: ReplicaOrganisation | null, birth = '1950-01-01') =>
  targetServiceProblems(s, o, birth, now).map((p) => p.code);

describe('target service eligibility', () => {
  it('an active service of a verified organisation takes the referral', () => {
    expect(codes(service, org)).toEqual([]);
  });
  it('unknown service (never listed, or only a capacity change seen)', () => {
    expect(codes(null, org)).toEqual(['unknown_service']);
    expect(codes({ _id: 'svc', capacityStatus: 'has-capacity' }, org)).toEqual(['unknown_service']);
  });
  it.each(['inactive', 'defunct', 'temporarily closed'])('service %s is not active', (status) => {
    expect(codes({ ...service, status }, org)).toEqual(['service_not_active']);
  });
  it('withdrawn service is not active', () => {
    expect(codes({ ...service, withdrawn: true }, org)).toEqual(['service_not_active']);
  });
  it('organisation suspended, unverified, never verified, unknown or lapsed', () => {
    expect(codes(service, { ...org, suspended: true })).toEqual(['organisation_suspended']);
    expect(codes(service, { ...org, verified: false })).toEqual(['organisation_unverified']);
    expect(codes(service, { _id: 'org', registered: true })).toEqual(['organisation_unverified']);
    expect(codes(service, null)).toEqual(['organisation_unverified']);
    expect(codes(service, { ...org, verifiedUntil: '2026-06-01T00:00:00Z' })).toEqual([
      'organisation_unverified',
    ]);
    expect(codes(service, { ...org, verifiedUntil: '2027-06-01T00:00:00Z' })).toEqual([]);
    expect(codes(service, { ...org, suspended: false })).toEqual([]);
  });
  it('age outside the minimum or maximum', () => {
    const ranged = { ...service, minimumAge: 18, maximumAge: 65 };
    expect(codes(ranged, org, '2008-06-16')).toEqual(['not_eligible_age']); // 17, 18 tomorrow
    expect(codes(ranged, org, '2008-06-15')).toEqual([]); // 18 today
    expect(codes(ranged, org, '1961-06-15')).toEqual([]); // 65 today: the maximum is inclusive
    expect(codes(ranged, org, '1960-06-15')).toEqual(['not_eligible_age']); // 66
  });
  it('no capacity (waitlist still takes referrals)', () => {
    expect(codes({ ...service, capacityStatus: 'no-capacity' }, org)).toEqual(['no_capacity']);
    expect(codes({ ...service, capacityStatus: 'waitlist' }, org)).toEqual([]);
  });
  it('reports every problem together', () => {
    expect(
      codes(
        { ...service, status: 'inactive', capacityStatus: 'no-capacity', minimumAge: 90 },
        { ...org, suspended: true, verified: false },
      ),
    ).toEqual([
      'service_not_active',
      'organisation_suspended',
      'organisation_unverified',
      'not_eligible_age',
      'no_capacity',
    ]);
  });
  it('computes whole years and matches needs by taxonomy term', () => {
    expect(ageOn('2000-06-15', now)).toBe(26);
    expect(ageOn('2000-06-16', now)).toBe(25);
    expect(meetsNeeds(service, ['sp-need-debt', 'sp-need-loneliness'])).toBe(true);
    expect(meetsNeeds(service, ['sp-need-debt'])).toBe(false);
  });
});
