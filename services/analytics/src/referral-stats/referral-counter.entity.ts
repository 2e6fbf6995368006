/**
 * Incremental read model: one counter document for the whole platform (`all`) and one per
 * referring organisation (`org:<id>`). Each event is applied once per document: the ids of
 * applied events live in the same document as the counts (see applyOnce).
 */
export interface ReferralCounterDocument {
  _id: string;
  organisationId: string | null;
  submitted: number;
  byPriority: Record<string, number>;
  lastEventAt: string;
  appliedEventIds: string[];
}

export const PLATFORM_COUNTER_ID = 'all';

export function organisationCounterId(organisationId: string): string {
  return `org:${organisationId}`;
}
