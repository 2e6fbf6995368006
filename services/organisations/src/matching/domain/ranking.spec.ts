import type { CapacitySignals, TrustSignals } from '../../signals/service-signals.port';
import { rankServices, type MatchCandidate, type MatchQuery } from './ranking';

const MIDDLESBROUGH = { latitude: 54.576, longitude: -1.2348 };
const STOCKTON = { latitude: 54.57, longitude: -1.318 }; // ~5.4 km west
const HARTLEPOOL = { latitude: 54.689, longitude: -1.211 }; // ~12.6 km north
const LEEDS = { latitude: 53.796, longitude: -1.548 }; // ~90 km

const noHistory: TrustSignals = {
  medianHoursToFirstResponse: null,
  acceptanceRate: null,
  completionRate: null,
  referralsLast90Days: 0,
  sampleSize: 0,
};

const places = (available: number, maximum = 10): CapacitySignals => ({
  status: 'has-capacity',
  unit: 'places',
  maximum,
  available,
  caseload: maximum - available,
  waitlistLength: 0,
  updated: '2025-06-01T00:00:00.000Z',
});

function candidate(id: string, over: Partial<MatchCandidate> = {}): MatchCandidate {
  return {
    serviceId: id,
    serviceName: `Service ${id}`,
    organisationId: `org-${id}`,
    status: 'active',
    published: true,
    organisationActive: true,
    organisationVerified: true,
    taxonomyTermIds: ['need-loneliness'],
    languages: ['en'],
    locations: [MIDDLESBROUGH],
    capacity: places(3),
    trust: noHistory,
    ...over,
  };
}

const query = (over: Partial<MatchQuery> = {}): MatchQuery => ({
  needs: ['need-loneliness', 'need-debt'],
  origin: MIDDLESBROUGH,
  radiusKm: 25,
  limit: 20,
  ...over,
});

describe('rankServices', () => {
  it('ranks by fit, then distance, with full services last whatever their score', () => {
    const outcome = rankServices(query(), [
      candidate('far-both', { taxonomyTermIds: ['need-loneliness', 'need-debt'], locations: [HARTLEPOOL] }),
      candidate('near-one'),
      candidate('near-both', { taxonomyTermIds: ['need-loneliness', 'need-debt'] }),
      candidate('full-both', {
        taxonomyTermIds: ['need-loneliness', 'need-debt'],
        capacity: { ...places(0), status: 'waitlist', waitlistLength: 4, estimatedWaitDays: 12 },
      }),
      candidate('mid-one', { locations: [STOCKTON] }),
    ]);
    expect(outcome.results.map((r) => r.serviceId)).toEqual([
      'near-both',
      'far-both',
      'near-one',
      'mid-one',
      'full-both',
    ]);
    expect(outcome.results.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    const full = outcome.results[4]!;
    expect(full.full).toBe(true);
    expect(full.reasons).toContainEqual({
      code: 'waitlist',
      text: 'full: 4 on the waitlist, estimated wait about 12 days',
      waitlistLength: 4,
      estimatedWaitDays: 12,
    });
  });

  it('explains each place with coded, human-readable reasons and score components', () => {
    const [top] = rankServices(query(), [
      candidate('a', {
        taxonomyTermIds: ['need-loneliness', 'need-debt'],
        locations: [STOCKTON, LEEDS],
        trust: { ...noHistory, medianHoursToFirstResponse: 48, acceptanceRate: 0.92, sampleSize: 25 },
      }),
    ]).results;
    expect(top!.reasons.map((r) => r.text)).toEqual([
      'covers 2 of 2 needs',
      '5.4 km away',
      '3 places available',
      'usually responds in 2 days',
      '92% accepted',
      'verified organisation',
    ]);
    expect(top!.reasons.map((r) => r.code)).toEqual([
      'needs_covered',
      'distance',
      'places_available',
      'response_time',
      'acceptance_rate',
      'verified',
    ]);
    expect(top!.distanceKm).toBe(5.4);
    expect(top!.components).toEqual({ fit: 1, distance: 0.784, capacity: 1, trust: 0.895 });
    // trust = 0.6 * 0.92 + 0.4 * (1 - 48 / 336); score = 0.4 * 1 + 0.25 * 0.784 + 0.2 * 1 + 0.15 * 0.895
    expect(top!.score).toBeCloseTo(0.93, 3);
  });

  it('prefers a service with places over one that requires an additional assessment, and a trusted one over an unknown one', () => {
    const outcome = rankServices(query({ needs: ['need-loneliness'] }), [
      candidate('assess', { capacity: { ...places(3), status: 'additional-assessment-required' } }),
      candidate('unknown'),
      candidate('trusted', {
        trust: { ...noHistory, medianHoursToFirstResponse: 12, acceptanceRate: 0.95, sampleSize: 40 },
      }),
    ]);
    expect(outcome.results.map((r) => r.serviceId)).toEqual(['trusted', 'unknown', 'assess']);
    expect(outcome.results[2]!.reasons).toContainEqual({
      code: 'additional_assessment',
      text: 'takes referrals after an additional assessment',
    });
    expect(outcome.results[1]!.reasons).toContainEqual({
      code: 'no_history',
      text: 'no referral history yet',
    });
  });

  it('puts no-capacity after waitlist among the full services', () => {
    const outcome = rankServices(query({ needs: ['need-loneliness'] }), [
      candidate('closed', { capacity: { ...places(0), status: 'no-capacity' } }),
      candidate('waiting', { capacity: { ...places(0), status: 'waitlist', waitlistLength: 1 } }),
      candidate('open', { locations: [HARTLEPOOL] }),
    ]);
    expect(outcome.results.map((r) => r.serviceId)).toEqual(['open', 'waiting', 'closed']);
  });

  it('excludes ineligible services with every reason, and ignores services meeting no need', () => {
    const outcome = rankServices(query({ age: 30, language: 'pl' }), [
      candidate('ok', { languages: ['pl', 'en'] }),
      candidate('old-only', { minimumAge: 50, languages: ['pl'] }),
      candidate('young-only', { maximumAge: 25, languages: ['pl'] }),
      candidate('english', { languages: [] }),
      candidate('far', { locations: [LEEDS], languages: ['pl'] }),
      candidate('unverified', { organisationVerified: false, languages: ['pl'] }),
      candidate('suspended', { organisationActive: false, status: 'inactive', languages: ['pl'] }),
      candidate('unrelated', { taxonomyTermIds: ['need-housing'] }),
    ]);
    expect(outcome.results.map((r) => r.serviceId)).toEqual(['ok']);
    const why = Object.fromEntries(outcome.excluded.map((e) => [e.serviceId, e.reasons.map((r) => r.code)]));
    expect(why).toEqual({
      'old-only': ['too_young'],
      'young-only': ['too_old'],
      english: ['language_not_offered'],
      far: ['out_of_radius'],
      unverified: ['organisation_unverified'],
      suspended: ['service_inactive', 'organisation_suspended'],
    });
  });

  it('keeps services without a located site, scoring distance as neutral', () => {
    const [r] = rankServices(query(), [candidate('phone', { locations: [] })]).results;
    expect(r!.distanceKm).toBeNull();
    expect(r!.components.distance).toBe(0.5);
    expect(r!.reasons).toContainEqual({
      code: 'no_location',
      text: 'no listed site: delivered remotely or by phone',
    });
  });

  it('applies the limit after ordering and reports the total', () => {
    const many = Array.from({ length: 30 }, (_, i) => candidate(`s${String(i).padStart(2, '0')}`));
    const outcome = rankServices(query({ limit: 5 }), many);
    expect(outcome.total).toBe(30);
    expect(outcome.results.map((r) => r.serviceId)).toEqual(['s00', 's01', 's02', 's03', 's04']);
  });
});
