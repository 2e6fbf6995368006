import type { CapacityStatus, EvidenceType } from '@sp/contracts';

/** Trust signals computed from referral events (consumed from Kafka). Null rates: no data yet. */
export interface TrustSignals {
  medianHoursToFirstResponse: number | null;
  acceptanceRate: number | null;
  completionRate: number | null;
  referralsLast90Days: number;
  /** Referrals the rates are computed from. */
  sampleSize: number;
}

/** The trust of a service no referral has reached yet. */
export const NO_TRUST_HISTORY: TrustSignals = {
  medianHoursToFirstResponse: null,
  acceptanceRate: null,
  completionRate: null,
  referralsLast90Days: 0,
  sampleSize: 0,
};

/** Declared capacity (HSDS 3.1 service_capacity shape) plus the live caseload and waitlist. */
export interface CapacitySignals {
  status: CapacityStatus;
  unit?: string;
  maximum?: number;
  /**
   * Declared maximum minus live caseload (never below 0), capped by the team headroom; absent when
   * neither a maximum nor a team caseload limit is known.
   */
  available?: number;
  caseload: number;
  /** Places left under the caseload limits of the organisation's link workers (absent: no limit). */
  teamHeadroom?: number;
  waitlistLength: number;
  estimatedWaitDays?: number;
  updated: string;
}

export interface VerificationState {
  verified: boolean;
  verifiedUntil?: string;
  problems: { evidenceType: EvidenceType; problem: 'missing' | 'expired' | 'revoked' }[];
}

export interface ServiceSignals {
  trust: TrustSignals;
  capacity: CapacitySignals | null;
}

/** Read side of trust, capacity and verification, shown on directory reads. */
export interface ServiceSignalsReader {
  forServices(serviceIds: string[]): Promise<Map<string, ServiceSignals>>;
  verificationOf(organisationIds: string[]): Promise<Map<string, VerificationState>>;
}

export const SERVICE_SIGNALS = Symbol('SERVICE_SIGNALS');
