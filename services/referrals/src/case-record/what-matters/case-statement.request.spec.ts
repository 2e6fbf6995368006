import { parseNewStatement, parseStatementChange } from './case-statement.request';

const fieldsOf = (fn: () => unknown): [number, string[]] => {
  try {
    fn();
  } catch (error) {
    const e = error as { status: number; problems: { field: string }[] };
    return [e.status, e.problems.map((p) => p.field).sort()];
  }
  throw new Error('expected a refusal');
};

describe('what matters and concerns: request shape (400)', () => {
  it('accepts a well-formed statement of each kind', () => {
    expect(parseNewStatement('what-matters', { text: 'The allotment', status: 'achieved' })).toEqual({
      text: 'The allotment',
      status: 'achieved',
    });
    expect(parseNewStatement('concern', { text: 'x'.repeat(1000), status: 'resolved' }).status).toBe(
      'resolved',
    );
  });

  it('names every malformed field: unknown, too long for the kind, blank, a status of the other kind', () => {
    expect(
      fieldsOf(() =>
        parseNewStatement('what-matters', { text: 'x'.repeat(2001), mood: 'low', status: 'resolved' }),
      ),
    ).toEqual([400, ['mood', 'status', 'text']]);
    expect(fieldsOf(() => parseNewStatement('concern', { text: 'x'.repeat(1001) }))).toEqual([400, ['text']]);
    expect(fieldsOf(() => parseNewStatement('concern', { text: '  ', status: 'achieved' }))).toEqual([
      400,
      ['status', 'text'],
    ]);
    expect(fieldsOf(() => parseNewStatement('concern', { recordedAt: 'yesterday' }))).toEqual([
      400,
      ['recordedAt', 'text'],
    ]);
    expect(fieldsOf(() => parseNewStatement('concern', undefined))).toEqual([400, ['text']]);
  });

  it('a change names at least one field', () => {
    expect(parseStatementChange('concern', { status: 'no-longer-relevant' })).toEqual({
      status: 'no-longer-relevant',
    });
    expect(fieldsOf(() => parseStatementChange('what-matters', {}))[0]).toBe(400);
    expect(fieldsOf(() => parseStatementChange('what-matters', { status: 'resolved' }))).toEqual([
      400,
      ['status'],
    ]);
  });
});
