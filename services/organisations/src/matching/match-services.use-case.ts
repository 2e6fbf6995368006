import { Inject, Injectable } from '@nestjs/common';
import { recordIdOf } from '../hsds/domain/record-ids';
import type { LatLong } from '../postcodes/domain/postcode';
import { SERVICE_SIGNALS, type ServiceSignalsReader } from '../signals/service-signals.port';
import { rankWithLiveLeaders, type LiveSignals } from './domain/live-leaders';
import { candidatesNear } from './domain/match-snapshot';
import type { MatchOutcome, MatchQuery } from './domain/ranking';
import { MatchSnapshotStore } from './match-snapshot.store';

/**
 * Matching: candidates come from the in-memory snapshot (listings, sites and signals; distance is
 * computed there, over sites already in memory), are ranked on the snapshot's signals, and the results
 * returned are re-ranked on live capacity, trust and verification read by `_id` for those few
 * services only (domain/live-leaders.ts).
 */
@Injectable()
export class MatchServices {
  constructor(
    private readonly snapshots: MatchSnapshotStore,
    @Inject(SERVICE_SIGNALS) private readonly signals: ServiceSignalsReader,
  ) {}

  async match(query: MatchQuery & { origin: LatLong }, now = new Date()): Promise<MatchOutcome> {
    const snapshot = await this.snapshots.snapshot();
    // Needs are asked by code (sp-need-loneliness) or by taxonomy term id; services are classified
    // by term id (a UUID, derived from the code for the platform's need terms).
    const termQuery = { ...query, needs: query.needs.map((need) => recordIdOf('taxonomy_terms', need)) };
    const candidates = candidatesNear(snapshot, termQuery.needs, query.origin, query.radiusKm, now);
    if (candidates.length === 0) return { results: [], total: 0, excluded: [] };
    const { outcome } = await rankWithLiveLeaders(termQuery, candidates, (serviceIds, organisationIds) =>
      this.readLive(serviceIds, organisationIds),
    );
    return outcome;
  }

  private async readLive(serviceIds: string[], organisationIds: string[]): Promise<LiveSignals> {
    const [services, verification] = await Promise.all([
      this.signals.forServices(serviceIds),
      organisationIds.length > 0 ? this.signals.verificationOf(organisationIds) : new Map(),
    ]);
    return {
      services,
      organisationsVerified: new Map([...verification].map(([id, v]) => [id, v.verified])),
    };
  }
}
