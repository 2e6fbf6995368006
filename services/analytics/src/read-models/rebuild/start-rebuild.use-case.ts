import { DomainError } from '@sp/errors';
import type { GenerationState } from '../domain/generations';
import type { FactStore } from '../facts.repository';
import type { GenerationStore } from '../generations.repository';

export const REBUILD_ALREADY_RUNNING = 'READ_MODEL_REBUILD.CONFLICT';

/**
 * Starts a rebuild: creates the next generation in state building (one conditional update) with
 * its collections and indexes. Every instance's RebuildCoordinator then replays the topics into it
 * and one of them switches reads to it once it has caught up.
 */
export class StartRebuild {
  constructor(
    private readonly generations: Pick<GenerationStore, 'startBuilding'>,
    private readonly facts: Pick<FactStore, 'ensureIndexes'>,
    private readonly serviceGroupId: string,
  ) {}

  /** The state naming the new generation; READ_MODEL_REBUILD.CONFLICT (409) if one is already building. */
  async execute(): Promise<GenerationState & { building: number }> {
    const result = await this.generations.startBuilding(this.serviceGroupId);
    const building = result.state.building;
    if (!result.started || building === undefined) {
      throw new DomainError(
        REBUILD_ALREADY_RUNNING,
        `Read-model generation ${String(building)} is already being rebuilt; wait for it to become active`,
      );
    }
    await this.facts.ensureIndexes(building);
    return { ...result.state, building };
  }
}
