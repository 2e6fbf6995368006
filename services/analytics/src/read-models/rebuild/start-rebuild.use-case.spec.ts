import { isDomainError } from '@sp/errors';
import type { GenerationState } from '../domain/generations';
import { REBUILD_ALREADY_RUNNING, StartRebuild } from './start-rebuild.use-case';

const state = (over: Partial<GenerationState>): GenerationState => ({
  active: 1,
  lastGeneration: 1,
  history: [],
  ...over,
});

describe('StartRebuild', () => {
  it('creates the next generation with its indexes', async () => {
    const building = state({
      building: 2,
      lastGeneration: 2,
      buildingSince: new Date(),
      rebuildGroupId: 'g',
    });
    const ensureIndexes = jest.fn().mockResolvedValue(undefined);
    const useCase = new StartRebuild(
      { startBuilding: jest.fn().mockResolvedValue({ started: true, state: building }) },
      { ensureIndexes },
      'analytics',
    );
    await expect(useCase.execute()).resolves.toMatchObject({ building: 2, active: 1 });
    expect(ensureIndexes).toHaveBeenCalledWith(2);
  });

  it('refuses with a conflict (409) while a rebuild is running', async () => {
    const ensureIndexes = jest.fn();
    const useCase = new StartRebuild(
      { startBuilding: jest.fn().mockResolvedValue({ started: false, state: state({ building: 5 }) }) },
      { ensureIndexes },
      'analytics',
    );
    const error: unknown = await useCase.execute().catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe(REBUILD_ALREADY_RUNNING);
    expect(isDomainError(error) && error.status).toBe(409);
    expect(ensureIndexes).not.toHaveBeenCalled();
  });
});
