// The directory ids migration on the real database: a directory stored before ids were UUIDs
// (slug `_id`s, slug references, signals keyed by slugs, clients of slug organisations) becomes the
// directory the store writes today: every record under its UUID with its slug kept, every
// reference in UUIDs, nothing lost, the moved organisations and services announced under their
// UUIDs; slugs still resolve; running it again changes nothing.
import type { Connection } from 'mongoose';
import { contractRegistry, fromKafkaRecord, isUuid } from '@sp/contracts';
import type { OutboxEntry } from '@sp/messaging';
import { collectionOf, connectMongo } from '@sp/persistence';
import { testDatabaseName, testInfra } from '@sp/testing';
import { HsdsStoreRepository } from '../src/hsds/hsds-store.repository';
import { DirectoryIdsMigration } from '../src/migrations/directory-ids.migration';
import { legacyDerivedUuid } from '../src/migrations/domain/directory-id-rekey';
import { locId, orgId, svcId, taxonomyId, termId } from './hsds-test-app';

jest.setTimeout(60_000);

type Doc = Record<string, unknown> & { _id: string };

const SAL = legacyDerivedUuid('service_at_location', 'svc-old', 'loc-old');
const PHONE = legacyDerivedUuid('svc-old', 'phone', '0');

/** The shape the store wrote before directory ids were UUIDs. */
const OLD: Record<string, Doc[]> = {
  taxonomies: [{ _id: 'sp-needs', id: 'sp-needs', name: 'Social prescribing needs', sp: {} }],
  taxonomy_terms: [
    {
      _id: 'sp-need-loneliness',
      id: 'sp-need-loneliness',
      code: 'sp-need-loneliness',
      name: 'Loneliness',
      taxonomy_id: 'sp-needs',
      sp: {},
    },
  ],
  organizations: [
    {
      _id: 'org-old',
      id: 'org-old',
      name: 'Old Org',
      organization_identifiers: [
        {
          id: legacyDerivedUuid('org-old', 'identifier', 'charity'),
          organization_id: 'org-old',
          identifier_scheme: 'GB-CHC',
          identifier_type: 'Registered charity number',
          identifier: '1100001',
        },
      ],
      sp: { kind: 'vcs', status: 'active', charityNumber: '1100001' },
    },
    { _id: 'org-gone', id: 'org-gone', name: 'Suspended Org', sp: { kind: 'vcs', status: 'suspended' } },
  ],
  locations: [
    {
      _id: 'loc-old',
      id: 'loc-old',
      organization_id: 'org-old',
      name: 'Hall',
      latitude: 54.5,
      longitude: -1.2,
    },
  ],
  services: [
    {
      _id: 'svc-old',
      id: 'svc-old',
      organization_id: 'org-old',
      name: 'Befriending',
      status: 'active',
      attributes: [
        {
          id: legacyDerivedUuid('svc-old', 'attribute', '0'),
          taxonomy_term_id: 'sp-need-loneliness',
          link_id: 'svc-old',
          link_entity: 'service',
        },
      ],
      phones: [{ id: PHONE, service_id: 'svc-old', number: '01642 000000' }],
      sp: { publication: 'published', taxonomyTermIds: ['sp-need-loneliness'] },
      // An event not yet relayed when the old version stopped: it stays pending.
      outbox: [{ id: 'pending-1' }],
      outboxPending: true,
    },
  ],
  service_at_locations: [{ _id: SAL, id: SAL, service_id: 'svc-old', location_id: 'loc-old' }],
  metadata: [
    {
      _id: 'm1',
      id: 'm1',
      resource_id: 'svc-old',
      resource_type: 'service',
      last_action_type: 'create',
      field_name: '*',
    },
    {
      _id: 'm2',
      id: 'm2',
      resource_id: 'org-old',
      resource_type: 'organization',
      last_action_type: 'create',
      field_name: '*',
    },
  ],
  assurance: [{ _id: 'org-old', evidence: {}, pending: {}, announced: 'verified', updatedAt: new Date() }],
  service_capacity: [
    {
      _id: 'svc-old',
      organisationId: 'org-old',
      caseload: 1,
      waitlist: [
        { referralId: 'r2', submittedAt: '2026-01-01T00:00:00Z', requesterOrganisationId: 'org-gp' },
      ],
      freedLast90Days: 0,
      announced: 'x',
      updatedAt: new Date(),
    },
  ],
  service_trust: [{ _id: 'svc-old', trust: {} }],
  referral_signals: [
    {
      _id: 'r1',
      referralId: 'r1',
      serviceId: 'svc-old',
      organisationId: 'org-old',
      requesterOrganisationId: 'org-gp',
    },
  ],
  api_clients: [{ _id: 'old-org-admin', organisationId: 'org-old', role: 'provider', status: 'active' }],
};

describe('directory ids migration', () => {
  let connection: Connection;
  const col = (name: string) => collectionOf<Doc>(connection, name);
  const all = async (name: string) => col(name).find({}).toArray();

  beforeAll(async () => {
    connection = await connectMongo(testInfra.mongoUrlFor(testDatabaseName('orgidsmigration')));
    for (const [name, docs] of Object.entries(OLD)) await col(name).insertMany(docs as never[]);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('moves every record to its UUID, keeps its slug and maps every reference, losing nothing', async () => {
    const report = await new DirectoryIdsMigration(connection).run(new Date('2026-12-01T00:00:00Z'));
    expect(report.changed).toMatchObject({
      taxonomies: 1,
      taxonomy_terms: 1,
      organizations: 2,
      locations: 1,
      services: 1,
      service_at_locations: 1,
      metadata: 2,
      assurance: 1,
      service_capacity: 1,
      service_trust: 1,
      referral_signals: 1,
      api_clients: 1,
    });
    expect(report.organisationsToAnnounce).toEqual([orgId('org-old')]);
    for (const name of Object.keys(OLD)) expect(await all(name)).toHaveLength(OLD[name]!.length);

    const [service] = await all('services');
    expect(service).toMatchObject({
      _id: svcId('svc-old'),
      id: svcId('svc-old'),
      organization_id: orgId('org-old'),
      attributes: [
        { taxonomy_term_id: termId('sp-need-loneliness'), link_id: svcId('svc-old'), link_entity: 'service' },
      ],
      phones: [{ id: PHONE, service_id: svcId('svc-old') }],
      sp: { slug: 'svc-old', publication: 'published', taxonomyTermIds: [termId('sp-need-loneliness')] },
    });
    const [term] = await all('taxonomy_terms');
    expect(term).toMatchObject({ _id: termId('sp-need-loneliness'), taxonomy_id: taxonomyId('sp-needs') });
    const [location] = await all('locations');
    expect(location).toMatchObject({ _id: locId('loc-old'), organization_id: orgId('org-old') });
    const [link] = await all('service_at_locations');
    expect(link).toMatchObject({ service_id: svcId('svc-old'), location_id: locId('loc-old') });
    expect(link!._id).not.toBe(SAL); // re-derived from the UUIDs, as a link made today
    const organisations = await all('organizations');
    expect(organisations.map((o) => o._id).sort()).toEqual([orgId('org-gone'), orgId('org-old')].sort());
    expect(organisations.find((o) => o._id === orgId('org-old'))).toMatchObject({
      organization_identifiers: [{ organization_id: orgId('org-old'), identifier: '1100001' }],
      sp: { slug: 'org-old', kind: 'vcs', charityNumber: '1100001' },
    });

    expect((await all('metadata')).map((m) => m['resource_id']).sort()).toEqual(
      [orgId('org-old'), svcId('svc-old')].sort(),
    );
    const [assurance] = await all('assurance');
    expect(assurance!._id).toBe(orgId('org-old'));
    expect(assurance!['announced']).toBeUndefined(); // announced again under the UUID
    const [capacity] = await all('service_capacity');
    expect(capacity).toMatchObject({
      _id: svcId('svc-old'),
      organisationId: orgId('org-old'),
      caseload: 1,
      waitlist: [{ referralId: 'r2', requesterOrganisationId: orgId('org-gp') }],
    });
    expect((await all('service_trust'))[0]!._id).toBe(svcId('svc-old'));
    expect((await all('referral_signals'))[0]).toMatchObject({
      serviceId: svcId('svc-old'),
      organisationId: orgId('org-old'),
      requesterOrganisationId: orgId('org-gp'),
    });
    expect((await all('api_clients'))[0]).toMatchObject({
      _id: 'old-org-admin',
      organisationId: orgId('org-old'),
    });
  });

  it('announces the moved organisations and services under their UUIDs, keeping pending events', async () => {
    const data = (doc: Doc | undefined) =>
      ((doc?.['outbox'] as OutboxEntry[] | undefined) ?? [])
        .filter((e) => e.topic !== undefined)
        .map((e) => {
          const envelope = fromKafkaRecord(
            {
              key: Buffer.from(e.key, 'utf8'),
              value: Buffer.from(e.value, 'utf8'),
              headers: e.headers,
            } as never,
            contractRegistry,
          );
          return { type: envelope.type.replace(/^.*\.(organisation|service)\./, '$1.'), data: envelope.data };
        });
    const [service] = await all('services');
    expect(service!['outbox']).toEqual(expect.arrayContaining([{ id: 'pending-1' }]));
    expect(data(service)).toEqual([
      {
        type: 'service.published.v2',
        data: expect.objectContaining({
          serviceId: svcId('svc-old'),
          organisationId: orgId('org-old'),
          taxonomyTermIds: [termId('sp-need-loneliness')],
          needCodes: ['sp-need-loneliness'],
        }),
      },
    ]);
    const organisations = await all('organizations');
    expect(data(organisations.find((o) => o._id === orgId('org-gone'))).map((e) => e.type)).toEqual([
      'organisation.registered.v1',
      'organisation.suspended.v1',
    ]);
  });

  it('resolves the old slugs through the store, and changes nothing when run again', async () => {
    const store = new HsdsStoreRepository(connection);
    expect((await store.find('services', 'svc-old'))?._id).toBe(svcId('svc-old'));
    expect((await store.find('organizations', 'org-old'))?._id).toBe(orgId('org-old'));
    expect([...(await store.existing('locations', ['loc-old']))]).toEqual(['loc-old']);
    expect(isUuid(svcId('svc-old'))).toBe(true);

    const before = await Promise.all(Object.keys(OLD).map((name) => all(name)));
    const again = await new DirectoryIdsMigration(connection).run();
    expect(Object.values(again.changed).every((n) => n === 0)).toBe(true);
    expect(await Promise.all(Object.keys(OLD).map((name) => all(name)))).toEqual(before);
  });

  it('runs once at start: a completed run is recorded and not repeated', async () => {
    const migration = new DirectoryIdsMigration(connection);
    expect(await migration.runOnce()).not.toBeNull();
    expect(await migration.runOnce()).toBeNull();
    expect(await col('migrations').findOne({ _id: 'directory-ids' })).toMatchObject({
      completedAt: expect.any(Date),
    });
  });
});
