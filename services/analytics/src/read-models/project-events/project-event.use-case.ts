import { factUpdatesFor, type ProjectedEvent } from '../domain/fact-updates';
import { writeTargets } from '../domain/generations';
import type { FactStore } from '../facts.repository';
import type { GenerationStore } from '../generations.repository';

/**
 * Records one event in the read models: in the active generation and, while a rebuild runs, in
 * the generation being built too (the updates are idempotent, so the rebuild replaying the same
 * event is harmless). Nothing to do for the event types the read models ignore.
 */
export class ProjectEvent {
  constructor(
    private readonly generations: Pick<GenerationStore, 'current'>,
    private readonly facts: Pick<FactStore, 'apply'>,
  ) {}

  async execute(event: ProjectedEvent): Promise<void> {
    const updates = factUpdatesFor(event);
    if (updates.length === 0) return;
    const state = await this.generations.current();
    await this.facts.apply(writeTargets(state), updates);
  }
}
