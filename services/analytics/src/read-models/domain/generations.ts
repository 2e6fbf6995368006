import type { FactCollection } from './fact-updates';

/**
 * Read models live in collections prefixed by a generation number (`g3_referral_facts`). Reads use
 * the active generation; a rebuild fills a new one (building) from the first offset and, once it
 * has caught up, becomes active in one atomic update. The previous generation is kept (rollback,
 * comparison); older ones are dropped after a switch.
 */
export interface GenerationEvent {
  generation: number;
  event: 'created' | 'activated' | 'dropped';
  at: Date;
}

export interface GenerationState {
  /** The generation every read uses. */
  active: number;
  /** The generation before the active one, kept until the next switch. */
  previous?: number;
  /** A generation being rebuilt (written by the rebuild and by the live consumer). */
  building?: number;
  buildingSince?: Date;
  /** The Kafka consumer group replaying the topics into `building`. */
  rebuildGroupId?: string;
  /** The highest generation number ever created (numbers are never reused). */
  lastGeneration: number;
  /** Most recent first, at most HISTORY_LENGTH entries. */
  history: GenerationEvent[];
}

export const FIRST_GENERATION = 1;
export const HISTORY_LENGTH = 50;

export function collectionName(generation: number, collection: FactCollection): string {
  return `g${generation}_${collection}`;
}

/** The generation a read-model collection belongs to, or null for any other collection. */
export function generationOf(name: string): number | null {
  const match = /^g(\d+)_(referral_facts|refusals|capacity_samples)$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** Where the live consumer writes: the active generation and the one being built, if any. */
export function writeTargets(state: Pick<GenerationState, 'active' | 'building'>): number[] {
  return state.building === undefined || state.building === state.active
    ? [state.active]
    : [state.active, state.building];
}

/**
 * The consumer group of one rebuild: the service's group, the generation, and when it was created
 * (so a generation number reused after the database was wiped never inherits an old group's offsets).
 */
export function rebuildGroupId(serviceGroupId: string, generation: number, createdAt: Date): string {
  return `${serviceGroupId}-rebuild-g${generation}-${createdAt.getTime().toString(36)}`;
}

/** One partition of a replayed topic: the rebuild group's committed offset against the log's ends. */
export interface PartitionProgress {
  topic: string;
  partition: number;
  /** The next offset the rebuild group will read; -1 when it has committed nothing yet. */
  committed: number;
  low: number;
  high: number;
}

/** Records still to replay on one partition. */
export function remaining(p: PartitionProgress): number {
  const from = Math.max(p.committed, p.low);
  return Math.max(0, p.high - from);
}

/** Every partition replayed up to the high watermarks captured in `progress`. */
export function caughtUp(progress: PartitionProgress[]): boolean {
  return progress.length > 0 && progress.every((p) => remaining(p) === 0);
}

/**
 * Whether a building generation may become active: it has replayed everything up to watermarks
 * read now, and it has been building for longer than `graceMs` (a few refreshes of every
 * instance's cached state), so every live consumer has been writing to it too: whatever is
 * produced after those watermarks reaches it through them.
 */
export function mayActivate(
  state: Pick<GenerationState, 'building' | 'buildingSince'>,
  progress: PartitionProgress[],
  now: Date,
  graceMs: number,
): boolean {
  if (state.building === undefined || state.buildingSince === undefined) return false;
  if (now.getTime() - state.buildingSince.getTime() < graceMs) return false;
  return caughtUp(progress);
}

/** After a switch, the generations to drop: all but the active one and the one before it. */
export function generationsToDrop(
  existing: number[],
  state: Pick<GenerationState, 'active' | 'previous' | 'building'>,
): number[] {
  const keep = new Set([state.active, state.previous, state.building].filter((g) => g !== undefined));
  return [...new Set(existing)].filter((g) => !keep.has(g) && g < state.active).sort((a, b) => a - b);
}
