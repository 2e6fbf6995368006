import { capabilityStatement } from '../capability-statement';
import { CARE_PLAN_SEARCH_PARAMS, parseCaseResourceSearch } from './care-plan-search.request';
import { GOAL_SEARCH_PARAMS } from './goal-search.request';

describe('CarePlan and Goal search parameters', () => {
  it('reads subject, _id and paging', () => {
    expect(
      parseCaseResourceSearch(
        { subject: 'Patient/abc', _id: 'r1,r2', _count: '5', _offset: '10' },
        CARE_PLAN_SEARCH_PARAMS,
      ),
    ).toEqual({ patientKey: 'abc', ids: ['r1', 'r2'], count: 5, offset: 10 });
    expect(parseCaseResourceSearch({}, GOAL_SEARCH_PARAMS)).toEqual({ count: 20, offset: 0 });
  });

  it('names every bad parameter (400)', () => {
    try {
      parseCaseResourceSearch(
        { subject: 'Organization/x', _id: 'bad id!', _count: '500', 'based-on': 'ServiceRequest/x' },
        CARE_PLAN_SEARCH_PARAMS,
      );
      throw new Error('expected a ValidationError');
    } catch (error) {
      const e = error as { status: number; problems: { field: string }[] };
      expect(e.status).toBe(400);
      expect(e.problems.map((p) => p.field).sort()).toEqual(['_count', '_id', 'based-on', 'subject']);
    }
  });

  it('the CapabilityStatement declares exactly the parameters the searches accept', () => {
    const cs = capabilityStatement('http://x/fhir', new Date()) as {
      rest: {
        resource: { type: string; searchParam?: { name: string }[]; interaction?: { code: string }[] }[];
      }[];
    };
    const declared = (type: string) => cs.rest[0]!.resource.find((r) => r.type === type)!;
    expect(
      declared('CarePlan')
        .searchParam!.map((p) => p.name)
        .sort(),
    ).toEqual([...CARE_PLAN_SEARCH_PARAMS].sort());
    expect(
      declared('Goal')
        .searchParam!.map((p) => p.name)
        .sort(),
    ).toEqual([...GOAL_SEARCH_PARAMS].sort());
    expect(declared('CarePlan').interaction).toEqual([{ code: 'read' }, { code: 'search-type' }]);
  });
});
