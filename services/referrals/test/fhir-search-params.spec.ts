/**
 * FHIR search parameters -> ReferralSearch (GET /fhir/ServiceRequest and GET /fhir/Task), and the
 * searchset Bundle's paging links. Pure code, no HTTP.
 */
import { DomainError, type FieldProblem } from '@sp/errors';
import { NHS_NUMBER_SYSTEM } from '../src/fhir/fhir.constants';
import { requestStatus } from '../src/fhir/referral-to-fhir';
import {
  parseServiceRequestSearch,
  serviceRequestSearchset,
  taskStatusesFor,
} from '../src/fhir/service-request-search';
import { matchesSearch, parseTaskSearch } from '../src/fhir/task-search';
import { referralDoc } from './fhir-fixtures';

const NHS = '9434765919';
const subject = (value: string) => ({ 'subject:identifier': value });

function problemsOf(fn: () => unknown): Array<[string, string]> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).status).toBe(400);
    return (err as DomainError).problems.map((p: FieldProblem) => [p.field, p.code]);
  }
  throw new Error('expected a 400');
}

describe('ServiceRequest search parameters', () => {
  it('reads every supported parameter into the referral search', () => {
    const parsed = parseServiceRequestSearch({
      ...subject(`${NHS_NUMBER_SYSTEM}|${NHS}`),
      requester: 'Organization/org-gp',
      performer: 'HealthcareService/svc-walks',
      status: 'active,on-hold',
      'based-on': 'ServiceRequest/ref-parent',
      _id: 'ref-1,ref-2,ref-1',
      _lastUpdated: ['ge2024-05-01', 'lt2024-06-01T00:00:00Z'],
      _count: '5',
      _offset: '10',
      _format: 'json',
    });
    expect(parsed).toEqual({
      nhsNumber: NHS,
      matchesNothing: false,
      search: {
        requesterOrganisationId: 'org-gp',
        targetServiceId: 'svc-walks',
        status: ['requested', 'accepted', 'in-progress', 'on-hold'],
        parentReferralId: 'ref-parent',
        ids: ['ref-1', 'ref-2'],
        updatedAfter: new Date(Date.parse('2024-05-01T00:00:00Z') - 1),
        updatedBefore: new Date('2024-06-01T00:00:00Z'),
        count: 5,
        offset: 10,
      },
    });
  });

  it('takes bare ids for requester, performer and based-on, and defaults the page', () => {
    expect(
      parseServiceRequestSearch({ requester: 'org-gp', performer: 'svc-walks', 'based-on': 'ref-parent' }),
    ).toEqual({
      matchesNothing: false,
      search: {
        requesterOrganisationId: 'org-gp',
        targetServiceId: 'svc-walks',
        parentReferralId: 'ref-parent',
        count: 20,
        offset: 0,
      },
    });
    expect(parseServiceRequestSearch({})).toEqual({
      matchesNothing: false,
      search: { count: 20, offset: 0 },
    });
  });

  it('normalises an NHS number printed with spaces', () => {
    expect(parseServiceRequestSearch(subject(`${NHS_NUMBER_SYSTEM}|943 476 5919`)).nhsNumber).toBe(NHS);
  });

  it('maps each ServiceRequest status to the Task statuses behind it', () => {
    for (const status of ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error']) {
      const tasks = taskStatusesFor([status]);
      expect(tasks.length).toBeGreaterThan(0);
      expect(tasks.every((t) => requestStatus(t) === status)).toBe(true);
    }
    expect(taskStatusesFor(['revoked'])).toEqual(['rejected', 'cancelled', 'failed']);
    expect(parseServiceRequestSearch({ status: 'revoked' }).search.status).toEqual([
      'rejected',
      'cancelled',
      'failed',
    ]);
  });

  it('status=unknown is valid but matches nothing (never an unfiltered search)', () => {
    const parsed = parseServiceRequestSearch({ status: 'unknown' });
    expect(parsed.matchesNothing).toBe(true);
    expect(parsed.search.status).toEqual([]);
    expect(parseServiceRequestSearch({ status: 'unknown,completed' }).matchesNothing).toBe(false);
  });

  it('names every unknown parameter (modifiers included) in one 400', () => {
    expect(
      problemsOf(() =>
        parseServiceRequestSearch({
          colour: 'red',
          subject: `Patient/p1`,
          'status:not': 'active',
          patient: NHS,
          _sort: '-_lastUpdated',
        }),
      ),
    ).toEqual([
      ['colour', 'not-supported'],
      ['subject', 'not-supported'],
      ['status:not', 'not-supported'],
      ['patient', 'not-supported'],
      ['_sort', 'not-supported'],
    ]);
  });

  it('names every malformed parameter in one 400', () => {
    expect(
      problemsOf(() =>
        parseServiceRequestSearch({
          ...subject(`${NHS_NUMBER_SYSTEM}|9434765918`),
          requester: 'HealthcareService/svc-walks',
          performer: 'Organization/org-vcs',
          status: 'active,sleeping',
          'based-on': 'Task/ref-1',
          _id: 'ref 1',
          _lastUpdated: 'yesterday',
          _count: '0',
          _offset: '-1',
        }),
      ),
    ).toEqual([
      ['subject:identifier', 'value'],
      ['requester', 'value'],
      ['performer', 'value'],
      ['status', 'code-invalid'],
      ['based-on', 'value'],
      ['_id', 'value'],
      ['_lastUpdated', 'value'],
      ['_count', 'value'],
      ['_offset', 'value'],
    ]);
  });

  it('needs the NHS number system on subject:identifier, and a 10-digit number', () => {
    expect(problemsOf(() => parseServiceRequestSearch(subject(NHS)))).toEqual([
      ['subject:identifier', 'not-supported'],
    ]);
    expect(problemsOf(() => parseServiceRequestSearch(subject(`https://example.org/mrn|${NHS}`)))).toEqual([
      ['subject:identifier', 'not-supported'],
    ]);
    expect(problemsOf(() => parseServiceRequestSearch(subject(`${NHS_NUMBER_SYSTEM}|12345`)))).toEqual([
      ['subject:identifier', 'value'],
    ]);
  });

  it('never echoes the NHS number in a problem', () => {
    try {
      parseServiceRequestSearch(subject(`${NHS_NUMBER_SYSTEM}|9434765918`));
      throw new Error('expected a 400');
    } catch (err) {
      expect(JSON.stringify((err as DomainError).problems)).not.toContain('9434765918');
      expect((err as DomainError).message).not.toContain('9434765918');
    }
  });

  it('refuses parameters given twice that may be given once, and more than 100 ids', () => {
    expect(
      problemsOf(() =>
        parseServiceRequestSearch({
          requester: ['org-a', 'org-b'],
          'subject:identifier': [`${NHS_NUMBER_SYSTEM}|${NHS}`, `${NHS_NUMBER_SYSTEM}|${NHS}`],
          _count: ['1', '2'],
        }),
      ),
    ).toEqual([
      ['subject:identifier', 'not-supported'],
      ['requester', 'not-supported'],
      ['_count', 'not-supported'],
    ]);
    const ids = Array.from({ length: 101 }, (_, i) => `ref-${i}`).join(',');
    expect(problemsOf(() => parseServiceRequestSearch({ _id: ids }))).toEqual([['_id', 'value']]);
  });

  it('builds a searchset of ServiceRequests whose paging links keep the filters', () => {
    const query = {
      ...subject(`${NHS_NUMBER_SYSTEM}|${NHS}`),
      status: 'active',
      _count: '10',
      _offset: '10',
    };
    const parsed = parseServiceRequestSearch(query);
    const bundle = serviceRequestSearchset('http://x/fhir', query, parsed, {
      total: 45,
      items: [referralDoc()],
    });
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 45,
      entry: [
        {
          fullUrl: 'http://x/fhir/ServiceRequest/ref-1',
          resource: { resourceType: 'ServiceRequest', id: 'ref-1' },
          search: { mode: 'match' },
        },
      ],
    });
    const links = Object.fromEntries(bundle.link!.map((l) => [l.relation, new URL(l.url)]));
    expect(Object.keys(links).sort()).toEqual(['first', 'last', 'next', 'previous', 'self']);
    expect(links['self']!.pathname).toBe('/fhir/ServiceRequest');
    expect(links['next']!.searchParams.get('_offset')).toBe('20');
    expect(links['previous']!.searchParams.get('_offset')).toBe('0');
    expect(links['last']!.searchParams.get('_offset')).toBe('40');
    expect(links['next']!.searchParams.get('subject:identifier')).toBe(`${NHS_NUMBER_SYSTEM}|${NHS}`);
    expect(links['next']!.searchParams.get('status')).toBe('active');
    expect(links['next']!.searchParams.get('_count')).toBe('10');
  });
});

describe('Task search parameters', () => {
  it('reads owner, requester, status, focus, part-of, _lastUpdated and paging', () => {
    expect(
      parseTaskSearch({
        owner: 'HealthcareService/svc-walks',
        requester: 'org-gp',
        status: 'requested,accepted',
        focus: 'ServiceRequest/ref-1',
        'part-of': 'Task/ref-parent',
        _lastUpdated: 'gt2024-05-01T10:00:00Z',
        _count: '2',
      }),
    ).toEqual({
      focusId: 'ref-1',
      include: [],
      search: {
        targetServiceId: 'svc-walks',
        requesterOrganisationId: 'org-gp',
        status: ['requested', 'accepted'],
        parentReferralId: 'ref-parent',
        updatedAfter: new Date('2024-05-01T10:00:00Z'),
        count: 2,
        offset: 0,
      },
    });
    expect(parseTaskSearch({ owner: 'Organization/org-vcs' }).search.ownerOrganisationId).toBe('org-vcs');
  });

  it('reads owner:missing (open referrals) and _include, in both forms', () => {
    expect(parseTaskSearch({ 'owner:missing': 'true' }).search.ownerMissing).toBe(true);
    expect(parseTaskSearch({ 'owner:missing': 'false' }).search.ownerMissing).toBe(false);
    expect(
      parseTaskSearch({ _include: ['Task:focus:ServiceRequest', 'Task:patient', 'Task:focus'] }).include,
    ).toEqual(['Task:focus', 'Task:patient']);
    expect(problemsOf(() => parseTaskSearch({ 'owner:missing': 'yes', _include: 'Task:owner' }))).toEqual([
      ['owner:missing', 'value'],
      ['_include', 'not-supported'],
    ]);
    expect(problemsOf(() => parseTaskSearch({ owner: 'org-vcs', 'owner:missing': 'true' }))).toEqual([
      ['owner:missing', 'not-supported'],
    ]);
  });

  it('matches owner:missing on a known referral as the search does', () => {
    const open = referralDoc({ ownerOrganisationId: undefined, targetServiceId: undefined });
    expect(matchesSearch(open, { ownerMissing: true })).toBe(true);
    expect(matchesSearch(open, { ownerMissing: false })).toBe(false);
    expect(matchesSearch(referralDoc(), { ownerMissing: true })).toBe(false);
  });

  it('names every unknown or malformed parameter in one 400', () => {
    expect(
      problemsOf(() =>
        parseTaskSearch({
          colour: 'red',
          owner: 'Patient/p1',
          status: 'active',
          _lastUpdated: 'eq2024-05-01',
          _count: '101',
        }),
      ),
    ).toEqual([
      ['colour', 'not-supported'],
      ['owner', 'value'],
      ['status', 'code-invalid'],
      ['_lastUpdated', 'value'],
      ['_count', 'value'],
    ]);
  });
});
