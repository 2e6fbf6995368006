import { directoryIdForSlug } from '@sp/contracts';
import { directoryEventsFor, listingOf } from './directory-events';
import type { StoredRecord } from './hsds-record';

const FOOD = directoryIdForSlug('taxonomy_terms', 'sp-need-food');
const DEBT = directoryIdForSlug('taxonomy_terms', 'sp-need-debt');
/** A term of another taxonomy (an imported feed's): an id, no platform need code. */
const OTHER = '0b6c7f3e-9d2a-4a55-8d61-0d3f3f1f3a10';

const at = '2025-01-10T12:00:00.000Z';
const service = (over: Partial<StoredRecord> = {}): StoredRecord => ({
  _id: 'svc-1',
  id: 'svc-1',
  organization_id: 'org-1',
  name: 'S',
  status: 'active',
  minimum_age: 18,
  attributes: [
    { id: 'a2', taxonomy_term_id: FOOD },
    { id: 'a1', taxonomy_term_id: DEBT },
    { id: 'a3', taxonomy_term_id: OTHER },
  ],
  languages: [{ id: 'l1', code: 'en' }],
  sp: { publication: 'published' },
  ...over,
});
const types = (events: ReturnType<typeof directoryEventsFor>) => events.map((e) => e.contract.type);

describe('directory events', () => {
  it('derives the listing from attributes (term ids and platform need codes), ages and language codes', () => {
    expect(listingOf(service({ maximum_age: 64.5 }))).toEqual({
      serviceId: 'svc-1',
      organisationId: 'org-1',
      status: 'active',
      taxonomyTermIds: [FOOD, DEBT, OTHER].sort(),
      needCodes: ['sp-need-debt', 'sp-need-food'],
      minimumAge: 18,
      languages: ['en'],
    });
  });

  it('publishes a new service and registers a new organisation', () => {
    expect(types(directoryEventsFor('services', null, service(), at))).toEqual([
      expect.stringMatching(/service\.published\.v2$/),
    ]);
    const org: StoredRecord = {
      _id: 'org-1',
      id: 'org-1',
      name: 'O',
      sp: { kind: 'gp-practice', odsCode: 'A81001' },
    };
    const [registered] = directoryEventsFor('organizations', null, org, at);
    expect(registered!.data).toEqual({
      organisationId: 'org-1',
      odsCode: 'A81001',
      kind: 'gp-practice',
      occurredAt: at,
    });
  });

  it('updates only when the listing changes', () => {
    expect(directoryEventsFor('services', service(), service({ description: 'new words' }), at)).toEqual([]);
    expect(
      types(directoryEventsFor('services', service(), service({ status: 'temporarily closed' }), at)),
    ).toEqual([expect.stringMatching(/service\.updated\.v1$/)]);
  });

  it('withdraws, and publishes again a withdrawn service', () => {
    const withdrawn = service({ sp: { publication: 'withdrawn' } });
    expect(types(directoryEventsFor('services', service(), withdrawn, at))).toEqual([
      expect.stringMatching(/service\.withdrawn\.v1$/),
    ]);
    expect(types(directoryEventsFor('services', withdrawn, service(), at))).toEqual([
      expect.stringMatching(/service\.published\.v2$/),
    ]);
    expect(
      directoryEventsFor(
        'services',
        withdrawn,
        service({ sp: { publication: 'withdrawn' }, status: 'inactive' }),
        at,
      ),
    ).toEqual([]);
  });

  it('suspends and reinstates organisations', () => {
    const active: StoredRecord = { _id: 'o', id: 'o', sp: { status: 'active' } };
    const suspended: StoredRecord = {
      _id: 'o',
      id: 'o',
      sp: { status: 'suspended', suspensionReason: 'fraud' },
    };
    expect(directoryEventsFor('organizations', active, suspended, at).map((e) => e.data)).toEqual([
      { organisationId: 'o', reasonCode: 'fraud', occurredAt: at },
    ]);
    expect(types(directoryEventsFor('organizations', suspended, active, at))).toEqual([
      expect.stringMatching(/organisation\.reinstated\.v1$/),
    ]);
    expect(directoryEventsFor('locations', null, active, at)).toEqual([]);
  });

  it("tells when an organisation's contact email is set, changed or removed, and not otherwise", () => {
    const org = (email?: string): StoredRecord => ({
      _id: 'o',
      id: 'o',
      sp: { kind: 'vcs' },
      ...(email !== undefined ? { email } : {}),
    });
    const emailEvents = (previous: StoredRecord | null, next: StoredRecord) =>
      directoryEventsFor('organizations', previous, next, at)
        .filter((e) => e.contract.name === 'organisation.contact-email-changed')
        .map((e) => e.data);
    expect(emailEvents(null, org('a@example.org'))).toEqual([
      { organisationId: 'o', email: 'a@example.org', occurredAt: at },
    ]);
    expect(emailEvents(null, org())).toEqual([]);
    expect(emailEvents(org('a@example.org'), org('a@example.org'))).toEqual([]);
    expect(emailEvents(org('a@example.org'), org('b@example.org'))).toEqual([
      { organisationId: 'o', email: 'b@example.org', occurredAt: at },
    ]);
    expect(emailEvents(org('a@example.org'), org())).toEqual([{ organisationId: 'o', occurredAt: at }]);
    // An imported feed's malformed value is not an address.
    expect(emailEvents(null, org('not an address'))).toEqual([]);
  });
});
