import { canManage } from './directory-access';
import { locationRuleProblems, serviceRuleProblems, unknownTermProblems } from './directory-rules';

const principal = (role: 'referrer' | 'link-worker' | 'provider' | 'ops', organisationId = 'org-a') => ({
  clientId: 'c',
  organisationId,
  role,
  scopes: [role],
});

describe('directory rules', () => {
  it('checks ages and language codes', () => {
    expect(
      serviceRuleProblems({
        minimum_age: 18,
        maximum_age: 65,
        languages: [{ code: 'en' }, { code: 'zh-Hant' }],
      }),
    ).toEqual([]);
    expect(serviceRuleProblems({ minimum_age: -1, maximum_age: 151 }).map((p) => p.field)).toEqual([
      'minimum_age',
      'maximum_age',
    ]);
    expect(serviceRuleProblems({ minimum_age: 40, maximum_age: 30 }).map((p) => p.code)).toEqual([
      'less_than_minimum',
    ]);
    expect(serviceRuleProblems({ languages: [{ code: 'English' }] }).map((p) => p.field)).toEqual([
      'languages[0].code',
    ]);
  });

  it('checks coordinates', () => {
    expect(locationRuleProblems({ latitude: 54.5, longitude: -1.2 })).toEqual([]);
    expect(locationRuleProblems({ latitude: 90.1, longitude: 180.5 }).map((p) => p.field)).toEqual([
      'latitude',
      'longitude',
    ]);
    expect(locationRuleProblems({ latitude: 54.5 }).map((p) => p.field)).toEqual(['longitude']);
  });

  it('names unknown taxonomy terms by position', () => {
    expect(
      unknownTermProblems([{ taxonomy_term_id: 'a' }, { taxonomy_term_id: 'b' }], new Set(['a'])),
    ).toEqual([expect.objectContaining({ field: 'attributes[1].taxonomy_term_id', code: 'unknown' })]);
  });

  it("lets ops manage all, an organisation's provider or link-worker clients their own, referrers nothing", () => {
    expect(canManage(principal('ops', 'org-x'), 'org-a')).toBe(true);
    expect(canManage(principal('provider'), 'org-a')).toBe(true);
    expect(canManage(principal('link-worker'), 'org-a')).toBe(true);
    expect(canManage(principal('provider'), 'org-b')).toBe(false);
    expect(canManage(principal('referrer'), 'org-a')).toBe(false);
  });
});
