import { ApiClientRepository } from '../api-clients/api-client.repository';
import { registerApiClient } from '../api-clients/register-api-client';
import {
  locationRecord,
  organisationRecord,
  serviceAtLocationRecord,
  serviceRecord,
} from '../directory/domain/hsds-mapping';
import { recordIdOf } from '../hsds/domain/record-ids';
import type { HsdsStoreRepository } from '../hsds/hsds-store.repository';
import { generateClientSecret, hashClientSecret } from '../oauth/client-secret';
import { demoClients, demoLocations, demoOrganisations, demoServices, type DemoClient } from './demo-network';

/** A demo client as written to the demo clients file: `organisationId` is the UUID. */
export interface IssuedDemoClient extends DemoClient {
  clientSecret: string;
  /** The organisation's slug in demo-network.ts (it resolves on the management API too). */
  organisationSlug: string;
  odsCode?: string;
}

export interface DemoSeedResult {
  organisationsCreated: number;
  servicesCreated: number;
  clients: IssuedDemoClient[];
}

const PROVENANCE = { updatedBy: 'seed', source: 'demo-seed' };

/**
 * Writes the demo network through the HSDS store the APIs use, so every registration and
 * publication goes out as an event through the outbox. Idempotent (an unchanged record writes
 * nothing); client secrets are re-issued on every run (the file written afterwards is the only copy).
 * The network is named by slugs (demo-network.ts); the store keeps each record under its derived
 * UUID (domain/record-ids.ts), and the clients belong to those UUIDs.
 * `afterDirectory` lets other parts (assurance evidence, capacity) add their demo data.
 */
export async function seedDemoNetwork(
  store: HsdsStoreRepository,
  clients: ApiClientRepository,
  afterDirectory?: () => Promise<void>,
): Promise<DemoSeedResult> {
  let organisationsCreated = 0;
  let servicesCreated = 0;
  await store.seedPlatformTaxonomy();
  for (const { kind, ...org } of demoOrganisations) {
    const result = await store.upsert(
      'organizations',
      { ...organisationRecord(org.id, { ...org, kind }), sp: { kind } },
      PROVENANCE,
    );
    if (result.outcome === 'created') organisationsCreated += 1;
  }
  for (const loc of demoLocations) {
    await store.upsert(
      'locations',
      locationRecord(loc.id, {
        organization_id: loc.organisationId,
        location_type: 'physical',
        name: loc.name,
        latitude: loc.latitude,
        longitude: loc.longitude,
        addresses: [
          {
            address_1: loc.address,
            city: loc.city,
            state_province: 'North Yorkshire',
            postal_code: loc.postcode,
            country: 'GB',
            address_type: 'physical',
          },
        ],
      }),
      PROVENANCE,
    );
  }
  for (const s of demoServices) {
    const result = await store.upsert(
      'services',
      serviceRecord(s.id, {
        organization_id: s.organisationId,
        name: s.name,
        description: s.description,
        url: s.url,
        status: 'active',
        ...(s.minimumAge !== undefined ? { minimum_age: s.minimumAge } : {}),
        ...(s.maximumAge !== undefined ? { maximum_age: s.maximumAge } : {}),
        ...(s.eligibility ? { eligibility_description: s.eligibility } : {}),
        attributes: s.taxonomyTermIds.map((taxonomy_term_id) => ({ taxonomy_term_id })),
        languages: s.languages,
        phones: [{ number: s.phone, type: 'voice' }],
        schedules: [{ freq: 'WEEKLY', ...s.schedule }],
      }),
      PROVENANCE,
    );
    if (result.outcome === 'created') servicesCreated += 1;
    for (const locationId of s.locationIds) {
      await store.upsert(
        'service_at_locations',
        serviceAtLocationRecord({ service_id: s.id, location_id: locationId }),
        PROVENANCE,
      );
    }
  }
  if (afterDirectory) await afterDirectory();
  const issued: IssuedDemoClient[] = [];
  for (const client of demoClients) {
    const clientSecret = generateClientSecret();
    const organisationId = recordIdOf('organizations', client.organisationId);
    await registerApiClient(clients, {
      _id: client.clientId,
      organisationId,
      role: client.role,
      name: client.name,
      secretHash: await hashClientSecret(clientSecret),
      status: 'active',
      ...(client.scopes ? { scopes: client.scopes } : {}),
    });
    const odsCode = demoOrganisations.find((o) => o.id === client.organisationId)?.ods_code;
    issued.push({
      ...client,
      organisationId,
      organisationSlug: client.organisationId,
      clientSecret,
      ...(odsCode ? { odsCode } : {}),
    });
  }
  return { organisationsCreated, servicesCreated, clients: issued };
}

/** A platform component's own API client (e.g. the notifications service), with its secret. */
export interface PlatformClient {
  clientId: string;
  clientSecret: string;
  name: string;
}

/**
 * Registers a platform component's client: role `ops` in the platform operator's organisation
 * (that of the demo's `platform-ops` client). Unlike the demo clients its secret is not made here
 * and not written to the demo clients file: the caller (scripts/start.sh, a test) keeps it and
 * gives it to the component. Re-running re-hashes the same secret (idempotent).
 */
export async function registerPlatformClient(
  clients: ApiClientRepository,
  client: PlatformClient,
): Promise<{ clientId: string; organisationId: string; role: 'ops' }> {
  const operator = demoClients.find((c) => c.role === 'ops');
  if (!operator) throw new Error('the demo network has no operator (ops) client');
  const organisationId = recordIdOf('organizations', operator.organisationId);
  await clients.upsert({
    _id: client.clientId,
    organisationId,
    role: 'ops',
    name: client.name,
    secretHash: await hashClientSecret(client.clientSecret),
    status: 'active',
  });
  return { clientId: client.clientId, organisationId, role: 'ops' };
}
