import {
  activityStatus,
  actionChangeProblems,
  newActionProblems,
  planNextDueAt,
  type NewAction,
} from './support-plan.rules';

const now = new Date('2026-12-03T10:00:00Z');
const action: NewAction = {
  description: 'Call the befriending service together',
  owner: { kind: 'worker', sub: 'worker-1', display: 'Sam' },
  dueDate: '2026-12-10',
  status: 'planned',
};

describe('support plan: rules', () => {
  it('accepts an action due today or later, owned as its kind requires', () => {
    expect(newActionProblems(action, now, [])).toEqual([]);
    expect(newActionProblems({ ...action, dueDate: '2026-12-03' }, now, [])).toEqual([]);
    expect(
      newActionProblems({ ...action, owner: { kind: 'organisation', organisationId: 'org-1' } }, now, []),
    ).toEqual([]);
    expect(newActionProblems({ ...action, owner: { kind: 'patient' } }, now, [])).toEqual([]);
  });

  it('refuses a due date before the action was created (a UK day), naming dueDate', () => {
    expect(newActionProblems({ ...action, dueDate: '2026-12-02' }, now, [])).toEqual([
      expect.objectContaining({ field: 'dueDate', code: 'before_creation' }),
    ]);
    // 23:30 UTC on 1 June is already 2 June in the UK: 1 June is in the past there.
    expect(
      newActionProblems({ ...action, dueDate: '2026-06-01' }, new Date('2026-06-01T23:30:00Z'), []),
    ).toEqual([expect.objectContaining({ field: 'dueDate' })]);
  });

  it('links only an onward referral of this referral', () => {
    expect(newActionProblems({ ...action, onwardReferralId: 'child-1' }, now, ['child-1'])).toEqual([]);
    expect(newActionProblems({ ...action, onwardReferralId: 'other' }, now, ['child-1'])).toEqual([
      expect.objectContaining({ field: 'onwardReferralId', code: 'not_an_onward_referral' }),
    ]);
  });

  it('names each owner id the kind needs or forbids', () => {
    const problems = newActionProblems({ ...action, owner: { kind: 'organisation', sub: 'x' } }, now, []);
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['owner.sub', 'not_allowed'],
      ['owner.organisationId', 'required'],
    ]);
    expect(
      newActionProblems({ ...action, owner: { kind: 'worker', organisationId: 'o' } }, now, []).map((p) => [
        p.field,
        p.code,
      ]),
    ).toEqual([
      ['owner.sub', 'required'],
      ['owner.organisationId', 'not_allowed'],
    ]);
  });

  it('validates status moves; done and cancelled are final', () => {
    const planned = { status: 'planned' as const, createdAt: now };
    expect(actionChangeProblems(planned, { status: 'in-progress' })).toEqual([]);
    expect(actionChangeProblems({ ...planned, status: 'in-progress' }, { status: 'planned' })).toEqual([
      expect.objectContaining({ field: 'status', code: 'invalid_move' }),
    ]);
    expect(actionChangeProblems({ ...planned, status: 'done' }, { description: 'x' })).toEqual([
      expect.objectContaining({ field: 'status', code: 'final' }),
    ]);
    expect(actionChangeProblems(planned, { dueDate: '2026-12-01' })).toEqual([
      expect.objectContaining({ field: 'dueDate', code: 'before_creation' }),
    ]);
  });

  it('the next due moment is the end of the earliest due day of an open action', () => {
    expect(
      planNextDueAt([
        { status: 'done', dueDate: '2026-12-04' },
        { status: 'in-progress', dueDate: '2026-12-20' },
        { status: 'planned', dueDate: '2026-12-08' },
        { status: 'cancelled', dueDate: '2026-12-05' },
      ])?.toISOString(),
    ).toBe('2026-12-09T00:00:00.000Z');
    expect(planNextDueAt([{ status: 'done', dueDate: '2026-12-04' }])).toBeUndefined();
  });

  it('maps statuses to FHIR CarePlan activity statuses', () => {
    expect(['planned', 'in-progress', 'done', 'cancelled'].map((s) => activityStatus(s as never))).toEqual([
      'scheduled',
      'in-progress',
      'completed',
      'cancelled',
    ]);
  });
});
