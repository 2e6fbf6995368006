import { matchesAll, matchesFilter, parseTaskFilter, type TaskFacts } from './task-filter';

const vcs = { organisationId: 'org-vcs', role: 'provider' as const };
const gp = { organisationId: 'org-gp', role: 'referrer' as const };
const F = 'Subscription.criteria.extension[0].valueString';

const facts: TaskFacts = {
  referralId: 'ref-1',
  status: 'accepted',
  requesterOrganisationId: 'org-gp',
  ownerOrganisationId: 'org-vcs',
  targetServiceId: 'svc-1',
};

describe('backport filter criteria on Tasks', () => {
  it('parses owner, requester, status, part-of and _id', () => {
    const { filter, problems } = parseTaskFilter(
      'Task?owner=Organization/org-vcs&requester=org-gp&status=accepted,in-progress&part-of=Task/p-1&_id=a,b',
      vcs,
      F,
    );
    expect(problems).toEqual([]);
    expect(filter).toEqual({
      ownerOrganisationId: 'org-vcs',
      requesterOrganisationId: 'org-gp',
      status: ['accepted', 'in-progress'],
      parentReferralId: 'p-1',
      ids: ['a', 'b'],
    });
  });

  it('owner=HealthcareService/<id> filters on the target service; owner:missing on open referrals', () => {
    expect(parseTaskFilter('Task?owner=HealthcareService/svc-1', vcs, F).filter).toEqual({
      targetServiceId: 'svc-1',
    });
    expect(parseTaskFilter('Task?owner:missing=true', vcs, F).filter).toEqual({ ownerMissing: true });
  });

  it('names every problem, each at the filter', () => {
    const { problems } = parseTaskFilter(
      'Task?foo=1&status=nope&owner=Patient/x&owner:missing=maybe',
      vcs,
      F,
    );
    expect(problems.map((p) => p.code).sort()).toEqual(['code-invalid', 'not-supported', 'value', 'value']);
    expect(problems.every((p) => p.field === F)).toBe(true);
    expect(parseTaskFilter('Encounter?patient=x', vcs, F).problems[0]).toMatchObject({
      code: 'not-supported',
    });
  });

  it('refuses a filter naming another organisation unless the subscriber is the other party', () => {
    const other = parseTaskFilter('Task?owner=Organization/org-someone-else', gp, F).problems;
    expect(other).toEqual([expect.objectContaining({ code: 'not_your_organisation', field: F })]);
    expect(parseTaskFilter('Task?requester=org-another-gp', vcs, F).problems[0]?.code).toBe(
      'not_your_organisation',
    );
    expect(parseTaskFilter('Task?owner=org-vcs&requester=org-gp', gp, F).problems).toEqual([]);
    expect(parseTaskFilter('Task?owner=org-vcs', { organisationId: 'ops', role: 'ops' }, F).problems).toEqual(
      [],
    );
  });

  it('matches each filter against the Task after the change; all filters must match', () => {
    expect(matchesFilter(facts, {})).toBe(true);
    expect(matchesFilter(facts, { ownerOrganisationId: 'org-vcs', status: ['accepted'] })).toBe(true);
    expect(matchesFilter(facts, { status: ['completed'] })).toBe(false);
    expect(matchesFilter(facts, { ownerMissing: true })).toBe(false);
    expect(matchesFilter({ ...facts, ownerOrganisationId: undefined }, { ownerMissing: true })).toBe(true);
    expect(matchesFilter(facts, { targetServiceId: 'svc-2' })).toBe(false);
    expect(matchesFilter(facts, { ids: ['ref-1'] })).toBe(true);
    expect(matchesAll(facts, [{ requesterOrganisationId: 'org-gp' }, { status: ['rejected'] }])).toBe(false);
    expect(matchesAll(facts, [])).toBe(true);
  });
});
