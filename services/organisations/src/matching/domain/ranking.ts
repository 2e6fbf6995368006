// Matching: which services can take a person with these needs, here, at this age, in this
// language, and in what order. Pure: candidates come in with their signals, results go out with
// their reasons.
//
// Eligible: covers at least one need; active and published; its organisation active and verified;
// age within minimum_age..maximum_age (when an age is given); offers the language (when given: a
// service that lists no language is taken to work in English); a listed location within radiusKm
// (a service with no located site, e.g. telephone befriending, is not excluded by distance).
//
// Score (0..1) = 0.40 fit + 0.25 distance + 0.20 capacity + 0.15 trust, where
//   fit       = needs covered / needs asked;
//   distance  = 1 - km / radiusKm at the nearest location (0.5 when no location or no origin);
//   capacity  = has-capacity 1, not declared 0.7, additional-assessment-required 0.5,
//               waitlist 0.3, no-capacity 0;
//   trust     = 0.6 acceptance rate + 0.4 responsiveness, responsiveness = 1 - median response
//               hours / 336 (two weeks), floored at 0; each 0.5 while there is no history.
// Order: services with room first (full services, status waitlist or no-capacity, come last,
// never hidden, with their waitlist estimate), then score, then distance, then id.
import type { CapacityStatus } from '@sp/contracts';
import { haversineKm, type LatLong } from '../../postcodes/domain/postcode';
import type { CapacitySignals, TrustSignals } from '../../signals/service-signals.port';

export const WEIGHTS = { fit: 0.4, distance: 0.25, capacity: 0.2, trust: 0.15 } as const;
export const CAPACITY_SCORE: Record<CapacityStatus | 'undeclared', number> = {
  'has-capacity': 1,
  undeclared: 0.7,
  'additional-assessment-required': 0.5,
  waitlist: 0.3,
  'no-capacity': 0,
};
const RESPONSE_HORIZON_HOURS = 336;
const MAX_EXCLUDED = 20;

export interface MatchCandidate {
  serviceId: string;
  serviceName: string;
  organisationId: string;
  organisationName?: string;
  /** HSDS service status. */
  status: string;
  published: boolean;
  organisationActive: boolean;
  organisationVerified: boolean;
  taxonomyTermIds: string[];
  minimumAge?: number;
  maximumAge?: number;
  languages: string[];
  locations: LatLong[];
  capacity: CapacitySignals | null;
  trust: TrustSignals;
}

export interface MatchQuery {
  needs: string[];
  origin?: LatLong;
  age?: number;
  language?: string;
  radiusKm: number;
  limit: number;
}

export interface Reason {
  code: string;
  text: string;
  [value: string]: string | number | boolean;
}

export interface ScoreComponents {
  fit: number;
  distance: number;
  capacity: number;
  trust: number;
}

export interface MatchResult {
  rank: number;
  serviceId: string;
  serviceName: string;
  organisationId: string;
  organisationName?: string;
  score: number;
  components: ScoreComponents;
  distanceKm: number | null;
  full: boolean;
  capacity: CapacitySignals | null;
  trust: TrustSignals;
  reasons: Reason[];
}

export interface Exclusion {
  serviceId: string;
  serviceName: string;
  reasons: Reason[];
}

export interface MatchOutcome {
  results: MatchResult[];
  total: number;
  excluded: Exclusion[];
}

/** Same order as String#localeCompare, without its per-call cost (sorting thousands of candidates). */
const byId = new Intl.Collator().compare;

const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

function primaryLanguage(code: string): string {
  return code.toLowerCase().split(/[-_]/)[0] ?? '';
}

function offersLanguage(c: MatchCandidate, language: string): boolean {
  const offered = c.languages.length > 0 ? c.languages : ['en'];
  return offered.some((l) => primaryLanguage(l) === primaryLanguage(language));
}

function nearestKm(c: MatchCandidate, origin: LatLong | undefined): number | null {
  if (!origin || c.locations.length === 0) return null;
  return Math.min(...c.locations.map((l) => haversineKm(origin, l)));
}

function exclusionReasons(c: MatchCandidate, q: MatchQuery, km: number | null): Reason[] {
  const reasons: Reason[] = [];
  if (c.status !== 'active' || !c.published)
    reasons.push({ code: 'service_inactive', text: `service is ${c.published ? c.status : 'withdrawn'}` });
  if (!c.organisationActive)
    reasons.push({ code: 'organisation_suspended', text: 'organisation is suspended' });
  if (!c.organisationVerified)
    reasons.push({ code: 'organisation_unverified', text: 'organisation is not verified' });
  if (q.age !== undefined && c.minimumAge !== undefined && q.age < c.minimumAge)
    reasons.push({ code: 'too_young', text: `for ages ${c.minimumAge} and over`, minimumAge: c.minimumAge });
  if (q.age !== undefined && c.maximumAge !== undefined && q.age > c.maximumAge)
    reasons.push({ code: 'too_old', text: `for ages up to ${c.maximumAge}`, maximumAge: c.maximumAge });
  if (q.language !== undefined && !offersLanguage(c, q.language))
    reasons.push({
      code: 'language_not_offered',
      text: `does not offer language ${q.language}`,
      language: q.language,
    });
  if (km !== null && km > q.radiusKm)
    reasons.push({
      code: 'out_of_radius',
      text: `${formatKm(km)} away, beyond ${q.radiusKm} km`,
      km: round(km, 1),
    });
  return reasons;
}

export function formatKm(km: number): string {
  return km < 10 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`;
}

function isFullStatus(status: CapacityStatus | undefined): boolean {
  return status === 'waitlist' || status === 'no-capacity';
}

function trustScore(t: TrustSignals): number {
  const acceptance = t.acceptanceRate ?? 0.5;
  const responsiveness =
    t.medianHoursToFirstResponse === null
      ? 0.5
      : Math.max(0, 1 - t.medianHoursToFirstResponse / RESPONSE_HORIZON_HOURS);
  return 0.6 * acceptance + 0.4 * responsiveness;
}

function responseText(hours: number): string {
  if (hours < 24) return 'usually responds within a day';
  const days = Math.round(hours / 24);
  return `usually responds in ${days} day${days === 1 ? '' : 's'}`;
}

function unitText(unit: string | undefined, n: number): string {
  const u = unit ?? 'places';
  return n === 1 && u.endsWith('s') ? u.slice(0, -1) : u;
}

function capacityReason(c: CapacitySignals | null): Reason {
  if (!c) return { code: 'capacity_undeclared', text: 'capacity not declared' };
  switch (c.status) {
    case 'has-capacity':
      return c.available !== undefined
        ? {
            code: 'places_available',
            text: `${c.available} ${unitText(c.unit, c.available)} available`,
            available: c.available,
          }
        : { code: 'has_capacity', text: 'has capacity' };
    case 'additional-assessment-required':
      return { code: 'additional_assessment', text: 'takes referrals after an additional assessment' };
    case 'waitlist': {
      const wait =
        c.estimatedWaitDays !== undefined ? `, estimated wait about ${c.estimatedWaitDays} days` : '';
      return {
        code: 'waitlist',
        text: `full: ${c.waitlistLength} on the waitlist${wait}`,
        waitlistLength: c.waitlistLength,
        ...(c.estimatedWaitDays !== undefined ? { estimatedWaitDays: c.estimatedWaitDays } : {}),
      };
    }
    case 'no-capacity':
      return { code: 'no_capacity', text: 'not taking referrals at present (no capacity)' };
  }
}

function score(c: MatchCandidate, q: MatchQuery, covered: number, km: number | null): ScoreComponents {
  return {
    fit: round(covered / q.needs.length),
    distance: round(km === null ? 0.5 : Math.max(0, 1 - km / q.radiusKm)),
    capacity: CAPACITY_SCORE[c.capacity?.status ?? 'undeclared'],
    trust: round(trustScore(c.trust)),
  };
}

function reasons(c: MatchCandidate, q: MatchQuery, covered: number, km: number | null): Reason[] {
  const out: Reason[] = [
    {
      code: 'needs_covered',
      text: `covers ${covered} of ${q.needs.length} need${q.needs.length === 1 ? '' : 's'}`,
      covered,
      of: q.needs.length,
    },
  ];
  if (q.origin) {
    out.push(
      km === null
        ? { code: 'no_location', text: 'no listed site: delivered remotely or by phone' }
        : { code: 'distance', text: `${formatKm(km)} away`, km: round(km, 1) },
    );
  }
  out.push(capacityReason(c.capacity));
  if (c.trust.medianHoursToFirstResponse !== null)
    out.push({
      code: 'response_time',
      text: responseText(c.trust.medianHoursToFirstResponse),
      medianHours: c.trust.medianHoursToFirstResponse,
    });
  if (c.trust.acceptanceRate !== null)
    out.push({
      code: 'acceptance_rate',
      text: `${Math.round(c.trust.acceptanceRate * 100)}% accepted`,
      rate: c.trust.acceptanceRate,
    });
  if (c.trust.medianHoursToFirstResponse === null && c.trust.acceptanceRate === null)
    out.push({ code: 'no_history', text: 'no referral history yet' });
  out.push({ code: 'verified', text: 'verified organisation' });
  return out;
}

function coveredNeeds(c: MatchCandidate, needs: Set<string>): number {
  let covered = 0;
  c.taxonomyTermIds.forEach((t, i) => {
    if (needs.has(t) && c.taxonomyTermIds.indexOf(t) === i) covered += 1; // each term once
  });
  return covered;
}

export function rankServices(q: MatchQuery, candidates: MatchCandidate[]): MatchOutcome {
  const needs = new Set(q.needs);
  // Reasons are written for the results returned only: the rest is ranked on these figures.
  const ranked: Array<{
    c: MatchCandidate;
    covered: number;
    km: number | null;
    components: ScoreComponents;
    score: number;
    distanceKm: number | null;
    full: boolean;
  }> = [];
  const excluded: Exclusion[] = [];
  for (const c of candidates) {
    const covered = coveredNeeds(c, needs);
    if (covered === 0) continue; // not relevant: not listed as excluded
    const km = nearestKm(c, q.origin);
    const why = exclusionReasons(c, q, km);
    if (why.length > 0) {
      excluded.push({ serviceId: c.serviceId, serviceName: c.serviceName, reasons: why });
      continue;
    }
    const components = score(c, q, covered, km);
    const total =
      WEIGHTS.fit * components.fit +
      WEIGHTS.distance * components.distance +
      WEIGHTS.capacity * components.capacity +
      WEIGHTS.trust * components.trust;
    ranked.push({
      c,
      covered,
      km,
      components,
      score: round(total),
      distanceKm: km === null ? null : round(km, 1),
      full: isFullStatus(c.capacity?.status),
    });
  }
  ranked.sort(
    (a, b) =>
      Number(a.full) - Number(b.full) ||
      b.score - a.score ||
      (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) ||
      byId(a.c.serviceId, b.c.serviceId),
  );
  excluded.sort((a, b) => byId(a.serviceId, b.serviceId));
  return {
    results: ranked.slice(0, q.limit).map(({ c, covered, km, components, score, distanceKm, full }, i) => ({
      rank: i + 1,
      serviceId: c.serviceId,
      serviceName: c.serviceName,
      organisationId: c.organisationId,
      ...(c.organisationName !== undefined ? { organisationName: c.organisationName } : {}),
      score,
      components,
      distanceKm,
      full,
      capacity: c.capacity,
      trust: c.trust,
      reasons: reasons(c, q, covered, km),
    })),
    total: ranked.length,
    excluded: excluded.slice(0, MAX_EXCLUDED),
  };
}
