import { needDecision } from './case-need.rules';

const now = new Date('2026-12-03T10:00:00Z');
const added = { addedAt: new Date('2026-12-01T10:00:00Z') };

describe('coded needs over time: rules', () => {
  it('adds a need of the taxonomy or a SNOMED CT concept, now or at a past time', () => {
    expect(needDecision({ code: 'sp-need-loneliness', status: 'active' }, undefined, now)).toEqual({
      decision: { kind: 'add', at: now },
    });
    const at = new Date('2026-12-02T09:00:00Z');
    expect(needDecision({ code: '422650009', status: 'active', at }, undefined, now)).toEqual({
      decision: { kind: 'add', at },
    });
  });

  it('resolves an active need, not before it was added', () => {
    expect(needDecision({ code: 'sp-need-debt', status: 'resolved' }, added, now)).toEqual({
      decision: { kind: 'resolve', at: now },
    });
    const early = needDecision(
      { code: 'sp-need-debt', status: 'resolved', at: new Date('2026-11-30T00:00:00Z') },
      added,
      now,
    );
    expect(early).toEqual({ problems: [expect.objectContaining({ field: 'at', code: 'before_added' })] });
  });

  it('refuses unknown codes and future times, naming each field', () => {
    const result = needDecision(
      { code: 'not-a-need', status: 'active', at: new Date('2026-12-05T00:00:00Z') },
      undefined,
      now,
    );
    expect('problems' in result && result.problems.map((p) => [p.field, p.code])).toEqual([
      ['code', 'unknown_code'],
      ['at', 'in_future'],
    ]);
  });

  it('refuses adding an active need again and resolving one that is not active', () => {
    expect(needDecision({ code: 'sp-need-debt', status: 'active' }, added, now)).toEqual({
      problems: [expect.objectContaining({ field: 'code', code: 'already_active' })],
    });
    expect(needDecision({ code: 'sp-need-debt', status: 'resolved' }, undefined, now)).toEqual({
      problems: [expect.objectContaining({ field: 'code', code: 'not_active' })],
    });
  });
});
