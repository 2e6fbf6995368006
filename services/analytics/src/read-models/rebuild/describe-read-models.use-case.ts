import type { FactCollection } from '../domain/fact-updates';
import { remaining, type GenerationEvent, type PartitionProgress } from '../domain/generations';
import type { FactStore } from '../facts.repository';
import type { GenerationStore } from '../generations.repository';

export interface ReadModelsView {
  active: number;
  previous?: number;
  building?: number;
  buildingSince?: string;
  rebuildGroupId?: string;
  /** Documents per read model, for the active, previous and building generations. */
  counts: Array<
    { generation: number; role: 'active' | 'previous' | 'building' } & Record<FactCollection, number>
  >;
  /** While building: the rebuild group's position on every partition of the replayed topics. */
  progress?: {
    records: number;
    remaining: number;
    partitions: PartitionProgress[];
  };
  history: Array<Omit<GenerationEvent, 'at'> & { at: string }>;
}

/** What the read models are made of now: generations, their sizes, and a running rebuild's progress. */
export class DescribeReadModels {
  constructor(
    private readonly generations: Pick<GenerationStore, 'refresh'>,
    private readonly facts: Pick<FactStore, 'counts'>,
    private readonly progress: (groupId: string) => Promise<PartitionProgress[]>,
  ) {}

  async execute(): Promise<ReadModelsView> {
    const state = await this.generations.refresh();
    const roles = [
      [state.active, 'active'],
      [state.previous, 'previous'],
      [state.building, 'building'],
    ] as const;
    const counts = await Promise.all(
      roles
        .filter((r): r is readonly [number, (typeof r)[1]] => r[0] !== undefined)
        .map(async ([generation, role]) => ({ generation, role, ...(await this.facts.counts(generation)) })),
    );
    const view: ReadModelsView = {
      active: state.active,
      ...(state.previous !== undefined ? { previous: state.previous } : {}),
      ...(state.building !== undefined ? { building: state.building } : {}),
      ...(state.buildingSince ? { buildingSince: state.buildingSince.toISOString() } : {}),
      ...(state.rebuildGroupId ? { rebuildGroupId: state.rebuildGroupId } : {}),
      counts,
      history: state.history.map((h) => ({ ...h, at: h.at.toISOString() })),
    };
    if (state.rebuildGroupId !== undefined) {
      const partitions = await this.progress(state.rebuildGroupId);
      view.progress = {
        records: partitions.reduce((n, p) => n + p.high - p.low, 0),
        remaining: partitions.reduce((n, p) => n + remaining(p), 0),
        partitions,
      };
    }
    return view;
  }
}
