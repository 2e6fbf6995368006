// Consumer lag = how many records of a partition the group has not processed yet.
// Pure arithmetic on Kafka offsets (decimal strings); offsets stay below 2^53 in practice.

export interface PartitionPosition {
  /** Offset the next produced record will get (the "high watermark"). */
  high: string;
  /** First offset still retained; where a group with no commit would start reading. */
  low?: string;
  /** Committed offset of the group (the next offset to read), '-1' when none. */
  committed?: string;
  /** Offset of the last record this process finished (processed or dead-lettered). */
  lastProcessed?: string;
}

function toOffset(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Next offset the group will read: the further of its commit and what this process has done. */
export function nextOffset(position: PartitionPosition): number {
  const committed = toOffset(position.committed);
  const processed = toOffset(position.lastProcessed);
  const candidates = [committed, processed === undefined ? undefined : processed + 1].filter(
    (n): n is number => n !== undefined,
  );
  if (candidates.length === 0) return toOffset(position.low) ?? 0;
  return Math.max(...candidates);
}

export function partitionLag(position: PartitionPosition): number {
  const high = toOffset(position.high) ?? 0;
  return Math.max(0, high - nextOffset(position));
}
