// The directory of a scale-out test run: an operator's tokens from the organisations instances,
// and the run's own link-worker organisation and services, registered through the management API.
import { readFile } from 'node:fs/promises';
import { call, uniqueOdsCode } from './scale-out';

export interface RunDirectory {
  linkWorkers: string;
  /** Services of the link workers: one for answered referrals, one left to its deadlines. */
  services: string[];
  /** The service whose capacity is declared (its live caseload is shown). */
  withCapacity: string;
}

/** A token for a client of the demo seed (real client credentials) from one organisations instance. */
export async function clientCredentialsToken(
  organisationsUrl: string,
  clientsFile: string,
  clientId: string,
): Promise<string> {
  const { clients } = JSON.parse(await readFile(clientsFile, 'utf8')) as {
    clients: Array<{ clientId: string; clientSecret: string }>;
  };
  const client = clients.find((c) => c.clientId === clientId);
  if (!client) throw new Error(`no client ${clientId} in ${clientsFile}`);
  const response = await fetch(`${organisationsUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Registers the run's link-worker organisation (an NHS organisation with an ODS code) and its
 * services, alternating between the two organisations instances and between the operator tokens
 * each issued. Returns what the API answered for each call that was not a success.
 */
export async function registerRunDirectory(
  organisations: [string, string],
  opsTokens: [string, string],
  directory: RunDirectory,
): Promise<string[]> {
  const [org1, org2] = organisations;
  const answers = [
    await call(`${org1}/v1/directory/organizations`, opsTokens[1], 'POST', {
      id: directory.linkWorkers,
      name: 'Scale-out link workers',
      description: 'Link-worker team of the scale-out test run.',
      kind: 'link-worker-service',
      ods_code: uniqueOdsCode('L'),
    }),
    ...(await Promise.all(
      directory.services.map((id) =>
        call(`${org2}/v1/directory/services`, opsTokens[0], 'POST', {
          id,
          organization_id: directory.linkWorkers,
          name: `Scale-out ${id}`,
          description: 'Social prescribing link workers.',
          url: 'https://scale-out.example.org/link-workers',
          status: 'active',
          attributes: [{ taxonomy_term_id: 'sp-need-loneliness' }],
        }),
      ),
    )),
    // Recording evidence has the organisation's verification evaluated: an NHS organisation with
    // an ODS code is verified by its registration, announced with organisation.verified.
    await call(
      `${org2}/v1/directory/organizations/${directory.linkWorkers}/evidence/registered-charity-or-company`,
      opsTokens[0],
      'PUT',
      { reference: 'NHS-ODS-registration' },
    ),
    await call(`${org1}/v1/directory/services/${directory.withCapacity}/capacity`, opsTokens[1], 'PUT', {
      status: 'has-capacity',
      maximum: 500,
    }),
  ];
  return answers.filter((a) => a.status !== 200 && a.status !== 201).map((a) => JSON.stringify(a));
}
