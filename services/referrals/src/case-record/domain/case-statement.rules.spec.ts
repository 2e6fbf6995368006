import { goalLifecycleStatus, statementProblems } from './case-statement.rules';

const now = new Date('2026-12-03T10:00:00Z');

describe('what matters and concerns: rules', () => {
  it('accepts a statement in the limits', () => {
    expect(
      statementProblems('what-matters', { text: 'Getting out to the allotment', recordedAt: now }, now),
    ).toEqual([]);
  });

  it('names each problem: blank or long text, a future time, a status of the other kind', () => {
    expect(
      statementProblems(
        'concern',
        { text: 'x'.repeat(1001), recordedAt: new Date('2026-12-04T00:00:00Z'), status: 'achieved' },
        now,
      ).map((p) => [p.field, p.code]),
    ).toEqual([
      ['text', 'too_long'],
      ['recordedAt', 'in_future'],
      ['status', 'not_allowed'],
    ]);
    expect(statementProblems('what-matters', { text: '   ' }, now).map((p) => p.code)).toEqual(['blank']);
    expect(statementProblems('what-matters', { text: 'x'.repeat(2000) }, now)).toEqual([]);
  });

  it('maps statuses to FHIR Goal.lifecycleStatus', () => {
    expect(goalLifecycleStatus('active')).toBe('active');
    expect(goalLifecycleStatus('achieved')).toBe('completed');
    expect(goalLifecycleStatus('no-longer-relevant')).toBe('cancelled');
  });
});
