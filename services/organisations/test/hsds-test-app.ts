import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { apply as applyMergePatch } from 'json-merge-patch';
import type { INestApplication } from '@nestjs/common';
import type { JWK } from 'jose';
import { directoryIdForSlug } from '@sp/contracts';
import { TokenIssuer, type Principal, type Role } from '@sp/identity';
import { testInfra, uniqueName } from '@sp/testing';
import { createServiceApp } from '@sp/service-kit';
import { ApiClientRepository } from '../src/api-clients/api-client.repository';
import { AppModule } from '../src/app.module';
import { seedDemoNetwork } from '../src/demo/seed-demo.use-case';
import { HsdsStoreRepository } from '../src/hsds/hsds-store.repository';
import { seedDemoSignals } from '../src/signals/signals.wiring';
import { MONGO_CONNECTION } from '@sp/persistence';
import type { Connection } from 'mongoose';

const ISSUER = 'http://issuer.organisations.test';
const AUDIENCE = 'social-prescribing';

export interface TestApp {
  app: INestApplication;
  http: Server;
  store: HsdsStoreRepository;
  /** What another instance needs to run on the same database with the same token issuer. */
  shared: SharedSetup;
  bearer(role: Role, organisationId: string): Promise<string>;
  close(): Promise<void>;
}

/** The database and token issuer of a test run, which several app instances may share. */
export interface SharedSetup {
  run: string;
  issuer: TokenIssuer;
  signingJwk: JWK;
  jwksUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Run on another instance's database with its token issuer (that instance closes them). */
  share?: SharedSetup;
  /** Seed the demo network after boot (default true; off for a second instance). */
  seed?: boolean;
  /** Boot without TOKEN_SIGNING_JWK, so the app keeps its signing key in the database. */
  keyInDatabase?: boolean;
}

/** A fresh database name and a token issuer served as a JWKS, for one or more app instances. */
export async function sharedSetup(): Promise<SharedSetup> {
  const { privateJwk } = await TokenIssuer.generateKeyPair();
  const issuer = new TokenIssuer({ privateJwk, issuer: ISSUER, audience: AUDIENCE });
  const jwks = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(issuer.jwks()));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksPort = (jwks.address() as AddressInfo).port;
  return {
    run: uniqueName('org').replace(/-/g, '_'),
    issuer,
    signingJwk: privateJwk,
    jwksUrl: `http://127.0.0.1:${jwksPort}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => jwks.close(() => resolve())),
  };
}

/**
 * The organisations app in-process on the real database and Kafka, with its own database, a JWKS
 * server for tokens the test issues, and the demo network seeded through the HSDS store. With
 * `share`, a second instance of the service on the first one's database.
 */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const shared = opts.share ?? (await sharedSetup());
  const { run, issuer } = shared;
  Object.assign(process.env, {
    MONGO_URL: testInfra.mongoUrlFor(`test_${run}`),
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    JWKS_URL: shared.jwksUrl,
    TOKEN_ISSUER: ISSUER,
    TOKEN_AUDIENCE: AUDIENCE,
    TOKEN_SIGNING_JWK: JSON.stringify(shared.signingJwk),
    KAFKA_GROUP_ID: `test-${run}`,
    QUEUE_PREFIX: `test-${run}`,
    LOG_LEVEL: 'silent',
    // The demo network is written straight to the store just after boot (no notifications): a
    // preload racing it could snapshot half of it. Matching builds at the first match instead.
    MATCH_SNAPSHOT_PRELOAD: 'false',
  });
  if (opts.keyInDatabase) delete process.env['TOKEN_SIGNING_JWK'];
  const { app } = await createServiceApp({ name: 'organisations', module: AppModule });
  const store = app.get(HsdsStoreRepository);
  const connection = app.get<Connection>(MONGO_CONNECTION);
  if (opts.seed ?? opts.share === undefined) {
    await seedDemoNetwork(store, app.get(ApiClientRepository), async () => {
      await seedDemoSignals(connection);
    });
  }
  let n = 0;
  return {
    app,
    http: app.getHttpServer() as Server,
    store,
    shared,
    async bearer(role, organisationId) {
      n += 1;
      const principal: Principal = { clientId: `test-client-${n}`, organisationId, role, scopes: [role] };
      return `Bearer ${(await issuer.issue(principal)).access_token}`;
    },
    async close() {
      await app.close();
      if (!opts.share) await shared.close();
    },
  };
}

/**
 * Validators for the HSDS 3.0 schemas as published (copied unchanged into src/hsds/schemas), with
 * ajv-formats' own formats (`uuid`, `date`, `date-time`, `email`, `uri`...). The schemas nest by
 * `$ref` (a service's organization, service_at_locations, locations, attributes, taxonomy terms,
 * phones, schedules...), so a response is validated whole, nested objects included.
 */
export function hsdsValidators(): Record<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const dir = join(__dirname, '..', 'src', 'hsds', 'schemas');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    ajv.addSchema({ ...schema, $id: file });
  }
  const get = (name: string): ValidateFunction => {
    const fn = ajv.getSchema(`${name}.json`);
    if (!fn) throw new Error(`no schema ${name}`);
    return fn;
  };
  return Object.fromEntries(
    [
      'service',
      'organization',
      'service_at_location',
      'location',
      'taxonomy',
      'taxonomy_term',
      'metadata',
    ].map((n) => [n, get(n)]),
  );
}

const HSDS_SCHEMA_DIR = join(__dirname, '..', 'src', 'hsds', 'schemas');
const ORUK_PROFILE_DIR = join(HSDS_SCHEMA_DIR, 'oruk', 'profile');

/**
 * Validators for the Open Referral UK profile: each HSDS 3.0 schema with ORUK's published JSON
 * merge patch (`src/hsds/schemas/oruk/profile/<name>.json`, pinned unchanged) applied by
 * `json-merge-patch` (RFC 7396: `null` removes a property, `required` is replaced), as ORUK's
 * own build compiles `schema/compiled/*.json`. Nested objects are checked through the patched
 * `$ref`ed schemas, so a service's schedules, contacts or attributes' taxonomy terms are checked
 * against ORUK's rules too. The patches are never edited.
 *
 * One defect of the published profile is handled, in the open: some patches require a property
 * the profiled schema does not define (`url` on schedule, language, phone, contact, cost_option,
 * funding, none of which has a `url` in HSDS 3.0 or in ORUK's compiled schemas; and `url` and
 * `location_type` on location, and HSDS's `name` and `description` on taxonomy_term, which the
 * same patches remove). Such a requirement names no field
 * a publisher could fill meaningfully, so it is not enforced; `orukUndefinedRequirements` lists
 * each one, and the conformance test pins that list, so a profile update that changes it fails.
 */
export function orukUndefinedRequirements(): string[] {
  return orukSchemas().undefinedRequired;
}

function orukSchemas(): { schemas: Record<string, Record<string, unknown>>; undefinedRequired: string[] } {
  const schemas: Record<string, Record<string, unknown>> = {};
  const undefinedRequired: string[] = [];
  const patches = readdirSync(ORUK_PROFILE_DIR);
  for (const file of readdirSync(HSDS_SCHEMA_DIR).filter((f) => f.endsWith('.json'))) {
    const base = JSON.parse(readFileSync(join(HSDS_SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
    const patch = patches.includes(file)
      ? (JSON.parse(readFileSync(join(ORUK_PROFILE_DIR, file), 'utf8')) as Record<string, unknown>)
      : {};
    const profiled = applyMergePatch(structuredClone(base), patch) as Record<string, unknown>;
    const properties = (profiled['properties'] ?? {}) as Record<string, unknown>;
    const required = (profiled['required'] ?? []) as string[];
    for (const name of required.filter((r) => !(r in properties))) {
      undefinedRequired.push(`${file.replace(/\.json$/, '')}.${name}`);
    }
    profiled['required'] = required.filter((r) => r in properties);
    schemas[file] = profiled;
  }
  return { schemas, undefinedRequired: undefinedRequired.sort() };
}

export function orukValidators(): Record<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const [file, schema] of Object.entries(orukSchemas().schemas)) ajv.addSchema({ ...schema, $id: file });
  const get = (name: string): ValidateFunction => {
    const fn = ajv.getSchema(`${name}.json`);
    if (!fn) throw new Error(`no ORUK schema ${name}`);
    return fn;
  };
  return Object.fromEntries(
    ['service', 'organization', 'service_at_location', 'location', 'taxonomy', 'taxonomy_term'].map((n) => [
      n,
      get(n),
    ]),
  );
}

/**
 * The UUIDs of records named by slugs (the demo network's `svc-befriending`, a test's own
 * `org-test-1`): the store keeps a slug-named record under the UUID derived from its slug.
 */
export const svcId = (slug: string): string => directoryIdForSlug('services', slug);
export const orgId = (slug: string): string => directoryIdForSlug('organizations', slug);
export const locId = (slug: string): string => directoryIdForSlug('locations', slug);
export const termId = (code: string): string => directoryIdForSlug('taxonomy_terms', code);
export const taxonomyId = (slug: string): string => directoryIdForSlug('taxonomies', slug);
/** A UUID for a test record named `name` (records a test writes straight to the database). */
export const testUuid = (name: string): string => directoryIdForSlug('test', name);

/** Asserts a value against a validator, showing the errors when it fails. */
export function expectValid(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value);
  expect({ ok, errors: validate.errors ?? null }).toEqual({ ok: true, errors: null });
}

export const PAGE_KEYS = [
  'total_items',
  'total_pages',
  'page_number',
  'size',
  'first_page',
  'last_page',
  'empty',
  'contents',
];
