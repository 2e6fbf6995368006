import { parseActionChange, parseNewAction } from './plan-action.request';

const fieldsOf = (fn: () => unknown): [number, string[]] => {
  try {
    fn();
  } catch (error) {
    const e = error as { status: number; problems: { field: string }[] };
    return [e.status, e.problems.map((p) => p.field).sort()];
  }
  throw new Error('expected a refusal');
};
const action = {
  description: 'Walk to the library',
  owner: { kind: 'worker', sub: 'ali', display: 'Ali' },
  dueDate: '2026-12-10',
  status: 'planned',
};

describe('support plan: request shape (400)', () => {
  it('accepts a well-formed action and change', () => {
    expect(parseNewAction(action)).toEqual(action);
    expect(parseActionChange({ status: 'done' })).toEqual({ status: 'done' });
  });

  it('names every malformed field: codes, formats, lengths, blank texts, unknown fields', () => {
    expect(
      fieldsOf(() =>
        parseNewAction({
          description: ' ',
          owner: { kind: 'boss', display: 'y'.repeat(201) },
          dueDate: 'soon',
          status: 'later',
          colour: 'red',
        }),
      ),
    ).toEqual([400, ['colour', 'description', 'dueDate', 'owner.display', 'owner.kind', 'status']]);
    expect(fieldsOf(() => parseNewAction({ ...action, description: 'x'.repeat(1001) }))).toEqual([
      400,
      ['description'],
    ]);
    expect(fieldsOf(() => parseNewAction({ ...action, owner: { kind: 'patient', display: '\t' } }))).toEqual([
      400,
      ['owner.display'],
    ]);
    expect(fieldsOf(() => parseActionChange({}))[0]).toBe(400);
    expect(fieldsOf(() => parseActionChange({ description: '  ', status: 'reopened' }))).toEqual([
      400,
      ['description', 'status'],
    ]);
  });
});
