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
      kinds: { gpSummaries: true, contacts: false },
      referralId: 'ref-1',
      recipientOdsCode: 'A81001',
      createdAfter: new Date('2026-12-01T00:00:00Z'),
      count: 5,
      offset: 0,
    });
    expect(parseCommunicationSearch({ recipient: 'Organization/org-gp' })).toMatchObject({
      recipientOrganisationId: 'org-gp',
      kinds: { gpSummaries: true, contacts: false },
    });
  });

  it('reads category (either kind, by code or system|code) and subject (contacts only)', () => {
    const kinds = (query: Record<string, string>) => parseCommunicationSearch(query).kinds;
    expect(kinds({})).toEqual({ gpSummaries: true, contacts: true });
    expect(kinds({ category: 'notification' })).toEqual({ gpSummaries: true, contacts: false });
    expect(
      kinds({
        category: 'https://socialprescribing.example.org/CodeSystem/communication-category|patient-contact',
      }),
    ).toEqual({ gpSummaries: false, contacts: true });
    expect(
      kinds({
        category: 'http://terminology.hl7.org/CodeSystem/communication-category|notification,patient-contact',
      }),
    ).toEqual({ gpSummaries: true, contacts: true });
    expect(parseCommunicationSearch({ subject: 'Patient/key-1' })).toMatchObject({
      patientKey: 'key-1',
      kinds: { gpSummaries: false, contacts: true },
    });
  });

  it('names every bad or unknown parameter', () => {
    let problems: { field: string }[] = [];
    try {
      parseCommunicationSearch({
        sender: 'Organization/x',
        category: 'http://example.org|patient-contact',
        subject: 'Group/x',
        'based-on': 'Task/x',
        'recipient:identifier': 'https://example.org|A81001',
        _count: '0',
      });
    } catch (error) {
      problems = (error as { problems: { field: string }[] }).problems;
    }
    expect(problems.map((p) => p.field)).toEqual([
      'sender',
      'category',
      'based-on',
      'subject',
      'recipient:identifier',
      '_count',
    ]);
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
