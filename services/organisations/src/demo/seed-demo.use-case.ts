import { ApiClientRepository } from '../api-clients/api-client.repository';
import { DirectoryRepository } from '../directory/directory.repository';
import { generateClientSecret, hashClientSecret } from '../oauth/client-secret';
import { demoClients, demoOrganisations, demoServices, type DemoClient } from './demo-network';

export interface IssuedDemoClient extends DemoClient {
  clientSecret: string;
  odsCode?: string;
}

export interface DemoSeedResult {
  organisationsCreated: number;
  servicesCreated: number;
  clients: IssuedDemoClient[];
}

/**
 * Registers the demo network through the same repository the API uses, so every registration
 * goes out as an event through the outbox. Idempotent for organisations and services; client
 * secrets are re-issued on every run (the file written afterwards is the only copy).
 */
export async function seedDemoNetwork(
  directory: DirectoryRepository,
  clients: ApiClientRepository,
): Promise<DemoSeedResult> {
  let organisationsCreated = 0;
  let servicesCreated = 0;
  for (const org of demoOrganisations) {
    if ((await directory.registerOrganisation(org)) === 'created') organisationsCreated += 1;
  }
  for (const service of demoServices) {
    if ((await directory.publishService(service)) === 'created') servicesCreated += 1;
  }
  const issued: IssuedDemoClient[] = [];
  for (const client of demoClients) {
    const clientSecret = generateClientSecret();
    await clients.upsert({
      _id: client.clientId,
      organisationId: client.organisationId,
      role: client.role,
      name: client.name,
      secretHash: await hashClientSecret(clientSecret),
      status: 'active',
    });
    const odsCode = demoOrganisations.find((o) => o.id === client.organisationId)?.odsCode;
    issued.push({ ...client, clientSecret, ...(odsCode ? { odsCode } : {}) });
  }
  return { organisationsCreated, servicesCreated, clients: issued };
}
