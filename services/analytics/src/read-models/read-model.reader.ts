import type { CapacitySample, ReferralFact, RefusalFact } from './domain/referral-fact';

/**
 * Which referrals a caller may count. Empty arrays mean "nothing"; `all` is ops. A referral is in
 * scope when ANY of the given lists matches it (a link-worker organisation sees the referrals it
 * made and the ones it received).
 */
export type FactScope =
  | { all: true }
  | {
      all?: false;
      requesterOrganisationIds?: string[];
      requesterOdsCodes?: string[];
      ownerOrganisationIds?: string[];
    };

/** The period of a report: [from, to) in UTC. */
export interface Period {
  from: Date;
  to: Date;
}

/**
 * The questions the reports ask the read models (implemented by the active generation's
 * repository in read-models/; reports never see collections). Referral-based reports select the
 * cohort of referrals SUBMITTED in the period, excluding those entered in error.
 */
export interface ReadModelReader {
  /** Referrals submitted in [from, to), in scope, not entered in error. */
  referralFacts(period: Period, scope: FactScope): Promise<ReferralFact[]>;
  /** Refusals at intake that occurred in [from, to), in scope (requester or owner). */
  refusals(period: Period, scope: FactScope): Promise<RefusalFact[]>;
  /**
   * Capacity samples of services in scope (owner organisation for providers; every service for
   * ops and commissioners) that occurred in [from, to), plus for each service the last sample
   * before `from` (its state when the period began), ordered by occurredAt.
   */
  capacitySamples(period: Period, scope: FactScope): Promise<CapacitySample[]>;
}

/** Nest injection token of the ReadModelReader. */
export const READ_MODEL_READER = Symbol('ReadModelReader');
