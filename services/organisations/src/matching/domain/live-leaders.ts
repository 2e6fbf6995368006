// Ranking on a snapshot, with what is shown read live. Pure (the live read is passed in).
//
// Every candidate is ranked on the snapshot's signals; then the live signals (capacity, trust,
// and the verification of their organisations) of the leaders, the first `limit + margin`, are
// read and merged, and everything is ranked again. A leader that live data demotes (it became
// full, or its organisation unverified) makes room for the next one; if that one was not read
// yet, another round reads it. It stops when the `limit` results returned were all read live (or
// after `maxRounds` reads). So the order, reasons, capacity, waitlist estimates and trust shown
// are current, and full services still come last; services outside the leaders keep their
// snapshot signals, which only decide whether they could be leaders, and `total` counts
// eligibility on the merged data.
import type { CapacitySignals, TrustSignals } from '../../signals/service-signals.port';
import { rankServices, type MatchCandidate, type MatchOutcome, type MatchQuery } from './ranking';

export interface LiveSignals {
  /** Capacity and trust per service id read. */
  services: Map<string, { capacity: CapacitySignals | null; trust: TrustSignals }>;
  /** Verification per organisation id read. */
  organisationsVerified: Map<string, boolean>;
}

export type ReadLiveSignals = (serviceIds: string[], organisationIds: string[]) => Promise<LiveSignals>;

export interface LiveLeadersOptions {
  /** Leaders read live beyond `limit` in the first round, so a few demotions need no second read. */
  margin?: number;
  /** Live reads at most. */
  maxRounds?: number;
}

export interface LiveLeadersOutcome {
  outcome: MatchOutcome;
  /** Services read live, and in how many reads. */
  servicesReadLive: number;
  rounds: number;
}

export const LIVE_MARGIN = 10;
export const MAX_LIVE_ROUNDS = 4;

/** The candidates with the live signals read so far merged in (an organisation's verification applies to all its services). */
export function withLiveSignals(candidates: MatchCandidate[], live: LiveSignals): MatchCandidate[] {
  return candidates.map((c) => {
    const signals = live.services.get(c.serviceId);
    const verified = live.organisationsVerified.get(c.organisationId);
    if (!signals && verified === undefined) return c;
    return {
      ...c,
      ...(signals ? { capacity: signals.capacity, trust: signals.trust } : {}),
      ...(verified !== undefined ? { organisationVerified: verified } : {}),
    };
  });
}

export async function rankWithLiveLeaders(
  query: MatchQuery,
  candidates: MatchCandidate[],
  readLive: ReadLiveSignals,
  options: LiveLeadersOptions = {},
): Promise<LiveLeadersOutcome> {
  const margin = options.margin ?? LIVE_MARGIN;
  const maxRounds = options.maxRounds ?? MAX_LIVE_ROUNDS;
  const readServices = new Set<string>();
  const readOrganisations = new Set<string>();
  let current = candidates;
  for (let rounds = 0; ; rounds += 1) {
    const wide = rankServices({ ...query, limit: query.limit + margin }, current);
    const unread = wide.results.filter((r) => !readServices.has(r.serviceId));
    if (!unread.some((r) => r.rank <= query.limit) || rounds === maxRounds) {
      return {
        outcome: { ...wide, results: wide.results.slice(0, query.limit) },
        servicesReadLive: readServices.size,
        rounds,
      };
    }
    const serviceIds = unread.map((r) => r.serviceId);
    const organisationIds = [
      ...new Set(unread.map((r) => r.organisationId).filter((o) => !readOrganisations.has(o))),
    ];
    const live = await readLive(serviceIds, organisationIds);
    for (const id of serviceIds) readServices.add(id);
    for (const id of organisationIds) readOrganisations.add(id);
    current = withLiveSignals(current, live);
  }
}
