/**
 * Incremental read model: counters per referring organisation and per receiving service, each
 * split into one document per lifecycle-topic partition (a shard). A partition is consumed by one
 * member of the group at a time and in order, so the shards of a counter are never written by two
 * consumers at once, and a transaction counting an event does not conflict with another member's.
 * What an organisation or service shows is the sum of its shards; platform totals are the sum of
 * the organisations', computed on read.
 *
 * Counters written before the shards existed (one document per organisation or service, `_id`
 * without a shard) are read as one more shard.
 */
export interface ReferralCounterDocument {
  _id: string;
  /** The referring organisation of an organisation counter; null on a service counter. */
  organisationId: string | null;
  /** The receiving service of a service counter. */
  serviceId?: string;
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
}

/** One event applied: the exactly-once marker, written in the same transaction as its counts. */
export interface AppliedEventDocument {
  _id: string; // event id
  appliedAt: Date;
}

/** The shard of a service's counters fed by one partition (demand, declines for lack of capacity: unmet demand). */
export function serviceCounterId(serviceId: string, shard: number): string {
  return `svc:${serviceId}:${shard}`;
}

export function organisationCounterId(organisationId: string, shard: number): string {
  return `org:${organisationId}:${shard}`;
}
