import { ReferralAssignedV1, ReferralFirstContactMadeV1 } from '@sp/contracts';
import { ProjectEvent } from './project-event.use-case';

describe('ProjectEvent', () => {
  const firstContact = {
    id: 'evt-1',
    type: ReferralFirstContactMadeV1.type,
    data: ReferralFirstContactMadeV1.example,
  };

  it('writes to the active generation, and to the one being built during a rebuild', async () => {
    const apply = jest.fn().mockResolvedValue(undefined);
    const current = jest
      .fn()
      .mockResolvedValueOnce({ active: 3, lastGeneration: 3, history: [] })
      .mockResolvedValueOnce({ active: 3, building: 4, lastGeneration: 4, history: [] });
    const useCase = new ProjectEvent({ current }, { apply });
    await useCase.execute(firstContact);
    await useCase.execute(firstContact);
    expect(apply.mock.calls.map((c: unknown[]) => c[0])).toEqual([[3], [3, 4]]);
    expect(apply.mock.calls[0]![1]).toHaveLength(1);
  });

  it('does not touch the database for an ignored event type', async () => {
    const apply = jest.fn();
    const current = jest.fn();
    await new ProjectEvent({ current }, { apply }).execute({
      id: 'evt-2',
      type: ReferralAssignedV1.type,
      data: ReferralAssignedV1.example,
    });
    expect(apply).not.toHaveBeenCalled();
    expect(current).not.toHaveBeenCalled();
  });
});
