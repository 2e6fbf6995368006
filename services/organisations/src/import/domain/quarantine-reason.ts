import type { HsdsTable } from '../../hsds/hsds-store.port';

/** Why a record was quarantined. Stable strings: operators filter and count by them. */
export const REASON_CODES = [
  'malformed-json',
  'not-an-object',
  'missing-required-field',
  'bad-type',
  'bad-format',
  'bad-value',
  'out-of-range',
  'placeholder',
  'unknown-taxonomy-term',
  'broken-reference',
  'inconsistent-reference',
  'rejected-by-store',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface QuarantineReason {
  /** Path of the failing field inside the record as supplied ('' for the whole record). */
  field: string;
  code: ReasonCode;
  message: string;
}

export interface QuarantineEntry {
  table: HsdsTable;
  /** The record's id, when it has a usable one. */
  id: string | null;
  /** Input position: array index (JSON), line number (NDJSON), or data row number (CSV). */
  index: number;
  /** CSV only: the file the row came from. */
  file?: string;
  reasons: QuarantineReason[];
}
