import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, isDuplicateKeyError } from '@sp/persistence';
import {
  FIRST_GENERATION,
  HISTORY_LENGTH,
  rebuildGroupId,
  type GenerationEvent,
  type GenerationState,
} from './domain/generations';

interface GenerationStateDocument extends GenerationState {
  _id: string;
}

const STATE_ID = 'read-models';
export const GENERATIONS_COLLECTION = 'read_model_generations';
export const DEFAULT_REFRESH_MS = 1_000;

export type StartBuildingResult =
  { started: true; state: GenerationState } | { started: false; state: GenerationState };

function withoutId({ _id: _ignored, ...state }: GenerationStateDocument): GenerationState {
  return state;
}

function historyPush(...events: GenerationEvent[]) {
  return { history: { $each: events, $position: 0, $slice: HISTORY_LENGTH } };
}

/**
 * The one document saying which generation of the read models is active and which one is being
 * built (collection `read_model_generations`). Every change is a single conditional update, so
 * two instances (or an instance and the CLI) never both start a rebuild or both switch. Reads of
 * the state are cached for `refreshMs`: the live consumer asks for every event.
 */
export class GenerationStore {
  private readonly collection: Collection<GenerationStateDocument>;
  private cached: { state: GenerationState; at: number } | undefined;

  constructor(
    connection: Connection,
    private readonly refreshMs = DEFAULT_REFRESH_MS,
  ) {
    this.collection = collectionOf<GenerationStateDocument>(connection, GENERATIONS_COLLECTION);
  }

  /** The state as of at most `refreshMs` ago. */
  async current(): Promise<GenerationState> {
    if (this.cached && Date.now() - this.cached.at < this.refreshMs) return this.cached.state;
    return this.refresh();
  }

  /** The state now (creating generation 1 on first use). */
  async refresh(): Promise<GenerationState> {
    const read = Date.now();
    let doc = await this.collection.findOne({ _id: STATE_ID });
    if (doc === null) doc = await this.initialise();
    const state = withoutId(doc);
    this.cached = { state, at: read };
    return state;
  }

  private async initialise(): Promise<GenerationStateDocument> {
    try {
      await this.collection.updateOne(
        { _id: STATE_ID },
        {
          $setOnInsert: {
            active: FIRST_GENERATION,
            lastGeneration: FIRST_GENERATION,
            history: [{ generation: FIRST_GENERATION, event: 'activated', at: new Date() }],
          },
        },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // another instance created it first
    }
    const doc = await this.collection.findOne({ _id: STATE_ID });
    if (doc === null) throw new Error('read model generation state vanished while being created');
    return doc;
  }

  /**
   * Creates the next generation in state building, unless one is already building (then
   * `started: false` with the state naming it).
   */
  async startBuilding(serviceGroupId: string, now = new Date()): Promise<StartBuildingResult> {
    for (;;) {
      const state = await this.refresh();
      if (state.building !== undefined) return { started: false, state };
      const generation = state.lastGeneration + 1;
      const updated = await this.collection.findOneAndUpdate(
        { _id: STATE_ID, building: { $exists: false }, lastGeneration: state.lastGeneration },
        {
          $set: {
            building: generation,
            buildingSince: now,
            rebuildGroupId: rebuildGroupId(serviceGroupId, generation, now),
            lastGeneration: generation,
          },
          $push: historyPush({ generation, event: 'created', at: now }),
        },
        { returnDocument: 'after' },
      );
      if (updated !== null) return this.remember({ started: true, state: withoutId(updated) });
      // Lost a race with another instance: read again (it may now be building).
    }
  }

  /** Makes the building generation active; null when it is no longer the one building. */
  async activate(generation: number, now = new Date()): Promise<GenerationState | null> {
    const state = await this.refresh();
    if (state.building !== generation) return null;
    const updated = await this.collection.findOneAndUpdate(
      { _id: STATE_ID, building: generation, active: state.active },
      {
        $set: { active: generation, previous: state.active },
        $unset: { building: '', buildingSince: '', rebuildGroupId: '' },
        $push: historyPush({ generation, event: 'activated', at: now }),
      },
      { returnDocument: 'after' },
    );
    if (updated === null) return null;
    const after = withoutId(updated);
    this.cached = { state: after, at: Date.now() };
    return after;
  }

  async recordDropped(generations: number[], now = new Date()): Promise<void> {
    if (generations.length === 0) return;
    await this.collection.updateOne(
      { _id: STATE_ID },
      {
        $push: historyPush(
          ...generations.map((generation) => ({ generation, event: 'dropped' as const, at: now })),
        ),
      },
    );
  }

  private remember<T extends { state: GenerationState }>(result: T): T {
    this.cached = { state: result.state, at: Date.now() };
    return result;
  }
}
