// The person in the organisations service's records of who acted: a provider signed in at the
// local OpenID Connect provider (real authorization-code + PKCE sign-in, real token) publishes a
// service, declares its capacity and submits evidence; the HSDS provenance rows, the capacity
// declaration and the pending evidence record the portal client AND the person (sub, name), while
// an API client acting alone records no person. The capacity read does not show the person.
import request from 'supertest';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import { createOidcPerson, localOidcIssuersEnv, oidcSignIn, uniqueName, type OidcPerson } from '@sp/testing';
import type { Connection } from 'mongoose';
import { orgId as orgUuid, startTestApp, svcId, type TestApp } from './hsds-test-app';

jest.setTimeout(180_000);

const DAY = 86_400_000;

describe('the signed-in person in audit records (organisations)', () => {
  let t: TestApp;
  let connection: Connection;
  let person: OidcPerson;
  let personToken = '';
  const run = uniqueName('audit').replace(/[^A-Za-z0-9-]/g, '');
  const orgSlug = `org-${run}`;
  const org = orgUuid(orgSlug);

  beforeAll(async () => {
    process.env['OIDC_ISSUERS'] = localOidcIssuersEnv();
    t = await startTestApp();
    connection = t.app.get<Connection>(MONGO_CONNECTION);
    await request(t.http)
      .post('/v1/directory/organizations')
      .set('Authorization', await t.bearer('ops', orgUuid('org-tees-valley-pcn')))
      .send({ id: orgSlug, name: `Org ${run}`, description: 'A test organisation', kind: 'vcs' })
      .expect(201);
    person = await createOidcPerson({
      organisationId: org,
      role: 'provider',
      teamRole: 'team-lead',
      name: 'Pat Provider',
    });
    personToken = `Bearer ${(await oidcSignIn(person.username, person.password)).accessToken}`;
  });

  afterAll(async () => {
    await t?.close();
    delete process.env['OIDC_ISSUERS'];
  });

  const serviceBody = (id: string) => ({
    id,
    organization_id: org,
    name: 'Test service',
    description: 'Helps',
    url: 'https://test-service.example.org/',
    status: 'active',
    attributes: [{ taxonomy_term_id: 'sp-need-debt' }],
    languages: [{ code: 'en' }],
  });
  const provenanceOf = (resourceId: string) =>
    collectionOf<Record<string, unknown>>(connection, 'metadata').find({ resource_id: resourceId }).toArray();

  it('records the person beside the portal client in HSDS provenance; an API client alone records none', async () => {
    await request(t.http)
      .post('/v1/directory/services')
      .set('Authorization', personToken)
      .send(serviceBody(`svc-${run}-person`))
      .expect(201);
    const rows = await provenanceOf(svcId(`svc-${run}-person`));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatchObject({
        updated_by: 'sp-portal',
        sp: { source: 'management-api', person: { sub: person.sub, name: 'Pat Provider' } },
      });
    }

    await request(t.http)
      .post('/v1/directory/services')
      .set('Authorization', await t.bearer('provider', org))
      .send(serviceBody(`svc-${run}-client`))
      .expect(201);
    const clientRows = await provenanceOf(svcId(`svc-${run}-client`));
    expect(clientRows.length).toBeGreaterThan(0);
    for (const row of clientRows) expect((row['sp'] as Record<string, unknown>)['person']).toBeUndefined();
  });

  it('records the person who declared capacity (not shown on the capacity read)', async () => {
    const service = svcId(`svc-${run}-person`);
    const response = await request(t.http)
      .put(`/v1/directory/services/${service}/capacity`)
      .set('Authorization', personToken)
      .send({ status: 'has-capacity', unit: 'places', maximum: 4 })
      .expect(200);
    expect(response.body.declared).toMatchObject({ updatedBy: 'sp-portal' });
    expect(response.body.declared.updatedByPerson).toBeUndefined();
    const stored = await collectionOf<Record<string, unknown>>(connection, 'service_capacity').findOne({
      _id: service,
    } as never);
    expect(stored?.['declared']).toMatchObject({
      updatedBy: 'sp-portal',
      updatedByPerson: { sub: person.sub, name: 'Pat Provider' },
    });
  });

  it('records the person who submitted evidence', async () => {
    const response = await request(t.http)
      .put(`/v1/directory/organizations/${org}/evidence/dbs-checks`)
      .set('Authorization', personToken)
      .send({ reference: 'DBS-1', expiresAt: new Date(Date.now() + 300 * DAY).toISOString() })
      .expect(200);
    expect(response.body.pending['dbs-checks']).toMatchObject({
      submittedBy: 'sp-portal',
      submittedByPerson: { sub: person.sub, name: 'Pat Provider' },
    });
  });
});
