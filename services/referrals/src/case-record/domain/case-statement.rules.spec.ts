import { goalLifecycleStatus, STATEMENT_TEXT_LIMITS, statementProblems } from './case-statement.rules';

const now = new Date('2026-12-03T10:00:00Z');

describe('what matters and concerns: rules', () => {
  it('accepts a statement agreed now, earlier, or within the clock tolerance', () => {
    expect(statementProblems({ recordedAt: now }, now)).toEqual([]);
    expect(statementProblems({ recordedAt: new Date('2026-11-01T10:00:00Z') }, now)).toEqual([]);
    expect(statementProblems({ recordedAt: new Date('2026-12-03T10:01:00Z') }, now)).toEqual([]);
    expect(statementProblems({}, now)).toEqual([]);
  });

  it('refuses a statement agreed in the future, naming recordedAt', () => {
    expect(
      statementProblems({ recordedAt: new Date('2026-12-04T00:00:00Z') }, now).map((p) => [p.field, p.code]),
    ).toEqual([['recordedAt', 'in_future']]);
  });

  it('what matters may be longer than a concern', () => {
    expect(STATEMENT_TEXT_LIMITS).toEqual({ 'what-matters': 2000, concern: 1000 });
  });

  it('maps statuses to FHIR Goal.lifecycleStatus', () => {
    expect(goalLifecycleStatus('active')).toBe('active');
    expect(goalLifecycleStatus('achieved')).toBe('completed');
    expect(goalLifecycleStatus('no-longer-relevant')).toBe('cancelled');
  });
});
