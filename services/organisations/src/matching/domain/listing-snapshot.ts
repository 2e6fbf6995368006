import { haversineKm, type LatLong } from '../../postcodes/domain/postcode';
import type { MatchCandidate } from './ranking';

/** The listing part of a match candidate: what the in-memory snapshot holds per service. */
export type ListingEntry = Omit<MatchCandidate, 'organisationVerified' | 'capacity' | 'trust'>;

export interface ListingSnapshot {
  byTerm: Map<string, ListingEntry[]>;
  size: number;
}

/** Indexes listing entries by taxonomy term. Pure. */
export function snapshotOf(entries: ListingEntry[]): ListingSnapshot {
  const byTerm = new Map<string, ListingEntry[]>();
  for (const e of entries) {
    for (const term of new Set(e.taxonomyTermIds)) {
      const list = byTerm.get(term);
      if (list) list.push(e);
      else byTerm.set(term, [e]);
    }
  }
  return { byTerm, size: entries.length };
}

/**
 * Services classified under at least one need whose nearest site is within the radius, plus those
 * with no located site (ranking keeps them with a neutral distance), plus up to `farSample` beyond
 * the radius so the answer can still say why they were left out. Each service once. Pure.
 */
export function candidatesNear(
  snapshot: ListingSnapshot,
  needs: string[],
  origin: LatLong,
  radiusKm: number,
  farSample = 20,
): ListingEntry[] {
  const seen = new Set<string>();
  const out: ListingEntry[] = [];
  let far = 0;
  for (const need of new Set(needs)) {
    for (const e of snapshot.byTerm.get(need) ?? []) {
      if (seen.has(e.serviceId)) continue;
      seen.add(e.serviceId);
      if (e.locations.length === 0 || e.locations.some((l) => haversineKm(origin, l) <= radiusKm)) {
        out.push(e);
      } else if (far < farSample) {
        far += 1;
        out.push(e);
      }
    }
  }
  return out;
}
