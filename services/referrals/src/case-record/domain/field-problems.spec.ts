import { readableDate, withRuleProblems } from './field-problems';

describe('shape and rule problems together', () => {
  it('names each field once, preferring its shape problem', () => {
    const shape = [
      { field: 'owner.kind', code: 'not_allowed', message: 'x' },
      { field: 'status', code: 'not_allowed', message: 'x' },
    ];
    const rules = [
      { field: 'status', code: 'final', message: 'y' },
      { field: 'owner.kind.x', code: 'y', message: 'y' },
      { field: 'owner.sub', code: 'required', message: 'y' },
      { field: 'dueDate', code: 'before_creation', message: 'y' },
    ];
    expect(withRuleProblems(shape, rules).map((p) => `${p.field}:${p.code}`)).toEqual([
      'owner.kind:not_allowed',
      'status:not_allowed',
      'owner.sub:required',
      'dueDate:before_creation',
    ]);
  });

  it('reads only date-times it can parse', () => {
    expect(readableDate('2026-12-03T10:00:00Z')?.toISOString()).toBe('2026-12-03T10:00:00.000Z');
    expect(readableDate('soon')).toBeUndefined();
    expect(readableDate(3)).toBeUndefined();
  });
});
