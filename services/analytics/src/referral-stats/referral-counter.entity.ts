/**
 * Incremental read model: one counter document per referring organisation (`org:<id>`) and one
 * per receiving service (`svc:<id>`); platform totals are their sum, computed on read. Each event is applied once per document: the ids of
 * applied events live in the same document as the counts (see applyOnce).
 */
export interface ReferralCounterDocument {
  _id: string;
  organisationId: string | null;
  submitted: number;
  byPriority: Record<string, number>;
  /** Moves into each Task status (accepted, rejected, completed...), from the lifecycle events. */
  transitions?: Record<string, number>;
  /** Coded reasons given for rejected, cancelled, on-hold and failed (incl. expiry: no-response). */
  reasons?: Record<string, number>;
  /** ONS4 change (follow-up minus baseline) summed over completed referrals that recorded both. */
  wellbeing?: {
    pairs: number;
    lifeSatisfaction: number;
    worthwhile: number;
    happiness: number;
    anxiety: number;
  };
  /** Referrals whose consent was withdrawn. */
  consentWithdrawn?: number;
  lastEventAt: string;
  appliedEventIds: string[];
}

/** Counters per receiving service (demand, declines for lack of capacity: unmet demand). */
export function serviceCounterId(serviceId: string): string {
  return `svc:${serviceId}`;
}

export function organisationCounterId(organisationId: string): string {
  return `org:${organisationId}`;
}
