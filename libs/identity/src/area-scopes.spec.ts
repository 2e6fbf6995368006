import { areasOf, clientScopeProblems, parseAreaScope } from './area-scopes';

describe('area scopes', () => {
  it('parses the three kinds of area with ODS-shaped codes', () => {
    expect(parseAreaScope('area:icb:QHM')).toEqual({ kind: 'icb', code: 'QHM' });
    expect(parseAreaScope('area:pcn:U81234')).toEqual({ kind: 'pcn', code: 'U81234' });
    expect(parseAreaScope('area:practice:A81001')).toEqual({ kind: 'practice', code: 'A81001' });
  });

  it.each([
    'area:icb:qhm',
    'area:icb:QHMX',
    'area:pcn:A81001',
    'area:practice:U8123',
    'area:region:Y63',
    'area:icb:',
    'icb:QHM',
    'commissioner',
  ])('refuses %s', (scope) => {
    expect(parseAreaScope(scope)).toBeNull();
  });

  it('picks the areas out of a token scope list', () => {
    expect(areasOf(['commissioner', 'area:icb:QHM', 'area:pcn:nope', 'area:practice:A81002'])).toEqual([
      { kind: 'icb', code: 'QHM' },
      { kind: 'practice', code: 'A81002' },
    ]);
  });

  describe('clientScopeProblems', () => {
    it('accepts a commissioner with well-formed, distinct areas', () => {
      expect(clientScopeProblems('commissioner', ['area:icb:QHM', 'area:pcn:U81234'])).toEqual([]);
    });

    it('names every problem of a commissioner client: bad format and duplicates', () => {
      expect(
        clientScopeProblems('commissioner', ['area:icb:QHM', 'area:ccg:00K', 'area:icb:QHM', 'ops']),
      ).toEqual([
        expect.objectContaining({ field: 'scopes[1]', code: 'invalid_format' }),
        expect.objectContaining({ field: 'scopes[2]', code: 'duplicate' }),
        expect.objectContaining({ field: 'scopes[3]', code: 'invalid_format' }),
      ]);
    });

    it('needs at least one area for a commissioner', () => {
      expect(clientScopeProblems('commissioner', [])).toEqual([
        expect.objectContaining({ field: 'scopes', code: 'required' }),
      ]);
    });

    it('refuses extra scopes on any other role', () => {
      expect(clientScopeProblems('referrer', ['area:practice:A81001'])).toEqual([
        expect.objectContaining({ field: 'scopes[0]', code: 'not_allowed' }),
      ]);
      expect(clientScopeProblems('ops', [])).toEqual([]);
    });
  });
});
