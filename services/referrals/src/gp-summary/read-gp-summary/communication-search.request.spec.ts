import { capabilityStatement } from '../../fhir/capability-statement';
import { COMMUNICATION_SEARCH_PARAMS, parseCommunicationSearch } from './communication-search.request';

describe('Communication search parameters', () => {
  it('reads based-on, recipient (reference or ODS identifier), _lastUpdated and paging', () => {
    expect(
      parseCommunicationSearch({
        'based-on': 'ServiceRequest/ref-1',
        'recipient:identifier': 'https://fhir.nhs.uk/Id/ods-organization-code|A81001',
        _lastUpdated: 'gt2026-12-01T00:00:00Z',
        _count: '5',
      }),
    ).toEqual({
      referralId: 'ref-1',
      recipientOdsCode: 'A81001',
      createdAfter: new Date('2026-12-01T00:00:00Z'),
      count: 5,
      offset: 0,
    });
    expect(parseCommunicationSearch({ recipient: 'Organization/org-gp' })).toMatchObject({
      recipientOrganisationId: 'org-gp',
    });
  });

  it('names every bad or unknown parameter', () => {
    let problems: { field: string }[] = [];
    try {
      parseCommunicationSearch({
        subject: 'Patient/x',
        'based-on': 'Task/x',
        'recipient:identifier': 'https://example.org|A81001',
        _count: '0',
      });
    } catch (error) {
      problems = (error as { problems: { field: string }[] }).problems;
    }
    expect(problems.map((p) => p.field)).toEqual(['subject', 'based-on', 'recipient:identifier', '_count']);
  });

  it('is declared in the CapabilityStatement exactly as accepted (a modifier under its name)', () => {
    const cs = capabilityStatement('http://x/fhir', new Date()) as {
      rest: {
        resource: { type: string; interaction: { code: string }[]; searchParam: { name: string }[] }[];
      }[];
    };
    const communication = cs.rest[0]!.resource.find((r) => r.type === 'Communication')!;
    expect(communication.interaction.map((i) => i.code)).toEqual(['read', 'search-type']);
    expect(communication.searchParam.map((p) => p.name).sort()).toEqual(
      [...new Set(COMMUNICATION_SEARCH_PARAMS.map((p) => p.split(':')[0]!))].sort(),
    );
  });
});
