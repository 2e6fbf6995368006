// Bulk HSDS import over HTTP and from a CSV package, on the real database, through the real HSDS
// store. The outbox relay is not started here (no Kafka publishing from this test): the store
// writes the events into the documents' outbox, which the running service's relay publishes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { TokenIssuer, type Principal } from '@sp/identity';
import { MONGO_CONNECTION, MongoModule } from '@sp/persistence';
import { createServiceApp, SERVICE_CONFIG, ServiceKitModule } from '@sp/service-kit';
import { testDatabaseName, testInfra, waitFor } from '@sp/testing';
import { HsdsStoreRepository } from '../src/hsds/hsds-store.repository';
import { HSDS_STORE } from '../src/hsds/hsds-store.port';
import { runImport } from '../src/import/import-runner';
import { fileElements } from '../src/import/import-source';
import { ImportRepository } from '../src/import/import.repository';
import { IMPORT_STREAMED_ROUTES, importControllers, importProviders } from '../src/import/import.wiring';
import { ServiceConfigSchema, type ServiceConfig } from '../src/service.config';
import { directoryIdForSlug } from '@sp/contracts';
import { svcId, orgId, termId } from './hsds-test-app';

const ISSUER = 'https://organisations.test';
const AUDIENCE = 'social-prescribing-test';

function jwksServer(keys: unknown): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(keys));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/.well-known/jwks.json` });
    }),
  );
}

/** A plausible nested HSDS service; `pad` makes the upload big. */
function service(n: number, pad = ''): Record<string, unknown> {
  return {
    id: `svc-${n}`,
    name: `Befriending service ${n}`,
    description: `Weekly visits and calls. ${pad}`,
    url: `https://befriending-${n}.example.org/`,
    status: 'active',
    minimum_age: 18,
    organization: { id: `org-${n % 10}`, name: `Community Trust ${n % 10}`, description: 'A local charity' },
    attributes: [
      { id: `attr-${n}-a`, taxonomy_term_id: 'sp-need-loneliness' },
      {
        id: `attr-${n}-b`,
        taxonomy_term: {
          id: 'ext-term-walking',
          name: 'Walking groups',
          description: 'Group walks',
          taxonomy_id: 'ext-tax',
          taxonomy_detail: { id: 'ext-tax', name: 'Activities', description: 'Local activities' },
        },
      },
    ],
    service_at_locations: [
      {
        id: `sal-${n}`,
        location: {
          id: `loc-${n}`,
          location_type: 'physical',
          name: `Hall ${n}`,
          latitude: 54.57 + n / 1000,
          longitude: -1.23,
          addresses: [
            {
              id: `addr-${n}`,
              address_1: `${n} High Street`,
              city: 'Middlesbrough',
              state_province: 'North Yorkshire',
              postal_code: 'TS1 2AB',
              country: 'GB',
              address_type: 'physical',
            },
          ],
        },
      },
    ],
    phones: [{ id: `phone-${n}`, number: '01642 123456' }],
  };
}

const GOOD = 40;
function dataset(pad = ''): Array<Record<string, unknown>> {
  const good = Array.from({ length: GOOD }, (_, i) => service(i + 1, pad));
  const badLatitude = service(101);
  ((badLatitude['service_at_locations'] as Array<{ location: Record<string, unknown> }>)[0]?.location ?? {})[
    'latitude'
  ] = 95.2;
  const missingName = { ...service(102) };
  delete missingName['name'];
  const unknownTerm = { ...service(103), attributes: [{ id: 'attr-103', taxonomy_term_id: 'no-such-term' }] };
  const brokenOrg = { ...service(104), organization: undefined, organization_id: orgId('org-nowhere') };
  const placeholder = { ...service(105), name: 'TBC' };
  return [...good, badLatitude, missingName, unknownTerm, brokenOrg, placeholder];
}

interface ImportBody {
  status: string;
  processed: number;
  counts: Record<string, { created: number; updated: number; unchanged: number; quarantined: number }>;
  quarantined: {
    total_items: number;
    contents: Array<{
      table: string;
      id: string | null;
      index: number;
      reasons: Array<{ field: string; code: string }>;
    }>;
  };
}

describe('HSDS bulk import (real database)', () => {
  let app: INestApplication;
  let jwks: { server: Server; url: string };
  let issuer: TokenIssuer;
  let connection: Connection;
  let store: HsdsStoreRepository;
  const db = testDatabaseName('org_import');

  const token = async (role: Principal['role']) =>
    `Bearer ${(await issuer.issue({ clientId: `client-${role}`, organisationId: orgId('org-ops'), role, scopes: [] })).access_token}`;

  async function upload(body: string, contentType: string, status: number, role: Principal['role'] = 'ops') {
    return request(app.getHttpServer())
      .post('/v1/directory/imports')
      .set('Authorization', await token(role))
      .set('Content-Type', contentType)
      .send(body)
      .expect(status);
  }

  async function finished(location: string, query = ''): Promise<ImportBody> {
    const auth = await token('ops');
    return waitFor(
      async () => {
        const res = await request(app.getHttpServer()).get(`${location}${query}`).set('Authorization', auth);
        const body = res.body as ImportBody;
        return body.status === 'running' ? undefined : body;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'import finished' },
    );
  }

  beforeAll(async () => {
    const { privateJwk } = await TokenIssuer.generateKeyPair();
    issuer = new TokenIssuer({ privateJwk, issuer: ISSUER, audience: AUDIENCE });
    jwks = await jwksServer(issuer.jwks());

    @Module({
      imports: [
        // the production app module passes the same streamedBodyRoutes
        ServiceKitModule.forRoot({
          name: 'organisations',
          configSchema: ServiceConfigSchema,
          env: {
            KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
            JWKS_URL: jwks.url,
            TOKEN_ISSUER: ISSUER,
            TOKEN_AUDIENCE: AUDIENCE,
            LOG_LEVEL: 'silent',
            MONGO_URL: testInfra.mongoUrlFor(db),
          },
          streamedBodyRoutes: IMPORT_STREAMED_ROUTES,
        }),
        MongoModule.forRootAsync({ inject: [SERVICE_CONFIG], useUrl: (c: ServiceConfig) => c.MONGO_URL }),
      ],
      controllers: importControllers,
      providers: [
        {
          provide: HsdsStoreRepository,
          inject: [MONGO_CONNECTION],
          useFactory: (c: Connection) => new HsdsStoreRepository(c),
        },
        { provide: HSDS_STORE, useExisting: HsdsStoreRepository },
        ...importProviders,
      ],
    })
    class ImportTestModule {}

    ({ app } = await createServiceApp({ name: 'organisations', module: ImportTestModule }));
    connection = app.get<Connection>(MONGO_CONNECTION);
    store = app.get(HsdsStoreRepository);
    await store.ensureIndexes();
    await store.seedPlatformTaxonomy();
  }, 60_000);

  afterAll(async () => {
    await connection?.db?.dropDatabase().catch(() => undefined);
    await app?.close();
    await new Promise((resolve) => jwks?.server.close(resolve));
  });

  let firstReport: ImportBody;
  let goodBefore: Record<string, unknown> | null;

  it('imports a JSON array larger than the 1 MB body limit: good records stored, bad ones quarantined with reasons', async () => {
    const body = JSON.stringify(dataset('x'.repeat(30_000)));
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const res = await upload(body, 'application/json', 202);
    expect(res.headers['location']).toBe(`/v1/directory/imports/${res.body.importId as string}`);
    expect(res.body).toMatchObject({ status: 'running' });

    firstReport = await finished(res.headers['location'] as string, '?size=50');
    expect(firstReport.status).toBe('completed');
    expect(firstReport.processed).toBe(GOOD + 5);
    // svc-101 is stored without its bad location
    expect(firstReport.counts['services']).toEqual({
      created: GOOD + 1,
      updated: 0,
      unchanged: 0,
      quarantined: 4,
    });
    expect(firstReport.counts['organizations']?.created).toBe(10);
    expect(firstReport.counts['locations']).toMatchObject({ created: GOOD + 4, quarantined: 1 });
    expect(firstReport.counts['taxonomy_terms']?.created).toBe(1);

    const byId = new Map(firstReport.quarantined.contents.map((q) => [`${q.table}/${q.id ?? ''}`, q]));
    const codesOf = (key: string) => byId.get(key)?.reasons.map((r) => `${r.field}:${r.code}`);
    expect(codesOf('locations/loc-101')).toEqual(['service_at_locations[0].location.latitude:out-of-range']);
    expect(codesOf('service_at_locations/sal-101')).toEqual([
      'service_at_locations[0].location_id:broken-reference',
    ]);
    expect(codesOf('services/svc-102')).toEqual(['name:missing-required-field']);
    expect(codesOf('services/svc-103')).toEqual(['attributes[0].taxonomy_term_id:unknown-taxonomy-term']);
    expect(codesOf('services/svc-104')).toEqual(['organization_id:broken-reference']);
    expect(codesOf('services/svc-105')).toEqual(['name:placeholder']);
    expect(byId.get('services/svc-102')?.index).toBe(GOOD + 1);
    // a bad service's dependants are quarantined too; svc-101 itself (bad location only) is stored
    expect(firstReport.quarantined.total_items).toBe(firstReport.quarantined.contents.length);

    const services = connection.db!.collection('services');
    expect(await services.countDocuments({})).toBe(GOOD + 1); // svc-1..40 and svc-101
    for (const id of [svcId('svc-102'), svcId('svc-103'), svcId('svc-104'), svcId('svc-105')]) {
      expect(await services.findOne({ _id: id as never })).toBeNull();
    }
    goodBefore = await services.findOne(
      { _id: svcId('svc-7') as never },
      { projection: { outbox: 0, outboxPending: 0, description: 0 } },
    );
    expect(goodBefore).toMatchObject({ name: 'Befriending service 7', organization_id: orgId('org-7') });
  });

  it('a second import of the same data (as NDJSON) changes nothing and reports unchanged', async () => {
    const ndjson = `${dataset('x'.repeat(30_000))
      .map((s) => JSON.stringify(s))
      .join('\n')}\n`;
    const res = await upload(ndjson, 'application/x-ndjson', 202);
    const report = await finished(res.headers['location'] as string);
    expect(report.status).toBe('completed');
    expect(report.counts['services']).toEqual({
      created: 0,
      updated: 0,
      unchanged: GOOD + 1,
      quarantined: 4,
    });
    expect(report.counts['organizations']).toEqual({ created: 0, updated: 0, unchanged: 10, quarantined: 0 });
    expect(report.counts['service_at_locations']).toMatchObject({ created: 0, updated: 0 });
    expect(report.quarantined.total_items).toBe(firstReport.quarantined.total_items);
  });

  it('a bad version of a stored service is quarantined and the stored one is not damaged', async () => {
    const bad = {
      ...service(7),
      name: 'N/A',
      status: 'closed-ish',
      organization: undefined,
      organization_id: orgId('org-7'),
    };
    const line = `${JSON.stringify(bad)}\n{not json}\n`;
    const res = await upload(line, 'application/x-ndjson', 202);
    const report = await finished(res.headers['location'] as string);
    expect(report.counts['services']?.quarantined).toBe(2);
    const quarantined = report.quarantined.contents;
    // The quarantine names a record as the import received it.
    expect(quarantined[0]).toMatchObject({ table: 'services', id: 'svc-7', index: 1 });
    expect(quarantined[0]?.reasons.map((r) => r.code)).toEqual(['placeholder', 'bad-value']);
    expect(quarantined[1]).toMatchObject({ table: 'services', id: null, index: 2 });
    expect(quarantined[1]?.reasons[0]?.code).toBe('malformed-json');
    const after = await connection
      .db!.collection('services')
      .findOne(
        { _id: svcId('svc-7') as never },
        { projection: { outbox: 0, outboxPending: 0, description: 0 } },
      );
    expect(after).toEqual(goodBefore);
  });

  it('pages the quarantine list and lists imports newest first', async () => {
    const auth = await token('ops');
    const list = await request(app.getHttpServer())
      .get('/v1/directory/imports?size=2')
      .set('Authorization', auth)
      .expect(200);
    expect(list.body).toMatchObject({
      total_items: 3,
      total_pages: 2,
      page_number: 1,
      size: 2,
      first_page: true,
      last_page: false,
    });
    const firstId = (list.body.contents as Array<{ importId: string }>).at(-1)?.importId;
    const page2 = await request(app.getHttpServer())
      .get(
        `/v1/directory/imports/${(list.body.contents as Array<{ importId: string }>)[0]?.importId ?? ''}?page=2&size=1`,
      )
      .set('Authorization', auth)
      .expect(200);
    expect(page2.body.quarantined).toMatchObject({
      total_items: 2,
      page_number: 2,
      size: 1,
      last_page: true,
    });
    expect(page2.body.quarantined.contents).toHaveLength(1);
    expect(firstId).toBeDefined();
    await request(app.getHttpServer())
      .get('/v1/directory/imports/nope')
      .set('Authorization', auth)
      .expect(404);
    await request(app.getHttpServer())
      .get('/v1/directory/imports?size=0')
      .set('Authorization', auth)
      .expect(400);
  });

  it('refuses non-ops callers, unsupported media types and a JSON body that is not an array, storing nothing', async () => {
    const imports = connection.db!.collection('imports');
    const before = await imports.countDocuments({});
    await upload('[]', 'application/json', 403, 'provider');
    const unsupported = await upload('id,name', 'text/csv', 415);
    expect(unsupported.headers['content-type']).toMatch(/problem\+json/);
    const notArray = await upload(JSON.stringify({ id: svcId('svc-1') }), 'application/json', 400);
    expect(notArray.body).toMatchObject({
      code: 'IMPORT.NOT_AN_ARRAY',
      errors: [{ field: 'body', code: 'not-an-array' }],
    });
    await upload('   ', 'application/x-ndjson', 400);
    await request(app.getHttpServer()).get('/v1/directory/imports').expect(401);
    expect(await imports.countDocuments({})).toBe(before);
  });

  it('imports an HSDS tabular (CSV) package with embedded tables and quarantines a bad row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hsds-csv-'));
    try {
      await writeFile(
        join(dir, 'organizations.csv'),
        'id,name,description,website\ncsv-org-1,"Tees ""Green"" Trust","Gardening, walking",https://green.example.org\n',
      );
      await writeFile(
        join(dir, 'locations.csv'),
        'id,location_type,name,latitude,longitude\ncsv-loc-1,physical,Park,54.5,-1.2\ncsv-loc-2,physical,Sea,54.5,200\n',
      );
      await writeFile(
        join(dir, 'services.csv'),
        'id,organization_id,name,status,minimum_age,url\n' +
          'csv-svc-1,csv-org-1,Garden club,active,16,https://garden.example.org/club\n' +
          'csv-svc-2,csv-org-1,xxx,active,,https://xxx.example.org/\n' +
          // Open Referral UK requires service.url: a service without one is quarantined.
          'csv-svc-3,csv-org-1,Allotments,active,,\n',
      );
      await writeFile(
        join(dir, 'service_at_locations.csv'),
        'id,service_id,location_id\ncsv-sal-1,csv-svc-1,csv-loc-1\ncsv-sal-2,csv-svc-1,csv-loc-2\n',
      );
      await writeFile(join(dir, 'phones.csv'), 'id,service_id,number\ncsv-ph-1,csv-svc-1,01642 111222\n');
      await writeFile(
        join(dir, 'attributes.csv'),
        'id,link_id,link_type,taxonomy_term_id\ncsv-at-1,csv-svc-1,service,sp-need-food\n',
      );
      const journal = app.get(ImportRepository);
      const report = await runImport({
        importId: 'csv-import',
        format: 'csv-dir',
        source: fileElements(dir, 'csv-dir'),
        store,
        journal,
      });
      expect(report.status).toBe('completed');
      expect(report.counts.services).toMatchObject({ created: 1, quarantined: 2 });
      expect(report.counts.locations).toMatchObject({ created: 1, quarantined: 1 });
      expect(report.counts.service_at_locations).toMatchObject({ created: 1, quarantined: 1 });
      // A package naming its records by slugs: stored under their UUIDs, references too, slug kept.
      const stored = await store.find('services', 'csv-svc-1');
      expect(stored).toMatchObject({
        _id: svcId('csv-svc-1'),
        minimum_age: 16,
        phones: [
          {
            id: directoryIdForSlug('phones', 'csv-ph-1'),
            service_id: svcId('csv-svc-1'),
            number: '01642 111222',
          },
        ],
        attributes: [
          {
            id: directoryIdForSlug('attributes', 'csv-at-1'),
            link_id: svcId('csv-svc-1'),
            link_type: 'service',
            taxonomy_term_id: termId('sp-need-food'),
          },
        ],
        sp: expect.objectContaining({ slug: 'csv-svc-1' }),
      });
      const { items } = await journal.quarantinePage('csv-import', 10, 0);
      expect(items.map((q) => [q.file, q.index, q.reasons[0]?.code, q.reasons[0]?.field])).toEqual([
        ['locations.csv', 3, 'out-of-range', 'longitude'],
        ['services.csv', 3, 'placeholder', 'name'],
        ['services.csv', 4, 'missing-required-field', 'url'],
        ['service_at_locations.csv', 3, 'broken-reference', 'location_id'],
      ]);
      expect(await store.find('services', 'csv-svc-3')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
