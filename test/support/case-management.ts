// Helpers of the case-management end-to-end test: the run's own organisations registered through
// the organisations service's management API, the practice's API client, people's requests and
// the raw records of a referral on the lifecycle topic.
import { randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { waitFor } from '@sp/testing';
import { call, lifecycleMessagesOf, uniqueOdsCode, type HttpAnswer } from './scale-out';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;

export interface RunNetwork {
  /** `email`: the directory contact email (where the platform emails the organisation), if any. */
  practice: { id: string; odsCode: string; email?: string };
  linkWorkers: { id: string; odsCode: string; email?: string };
  service: string;
}

/**
 * Registers the run's GP practice and link-worker organisation (both NHS organisations with an
 * ODS code, so verified by their registration) and publishes the link workers' service with a
 * declared capacity, as an operator does through the management API. Returns every answer that
 * was not a success (expected empty).
 */
export async function registerRunNetwork(
  organisationsUrl: string,
  opsToken: string,
  network: RunNetwork,
): Promise<string[]> {
  const directory = `${organisationsUrl}/v1/directory`;
  const answers: HttpAnswer[] = [
    await call(`${directory}/organizations`, opsToken, 'POST', {
      id: network.practice.id,
      name: 'Case management e2e practice',
      description: 'GP practice of the case-management test run.',
      kind: 'gp-practice',
      ods_code: network.practice.odsCode,
      ...(network.practice.email ? { email: network.practice.email } : {}),
    }),
    await call(`${directory}/organizations`, opsToken, 'POST', {
      id: network.linkWorkers.id,
      name: 'Case management e2e link workers',
      description: 'Link-worker team of the case-management test run.',
      kind: 'link-worker-service',
      ods_code: network.linkWorkers.odsCode,
      ...(network.linkWorkers.email ? { email: network.linkWorkers.email } : {}),
    }),
    await call(`${directory}/services`, opsToken, 'POST', {
      id: network.service,
      organization_id: network.linkWorkers.id,
      name: 'Case management e2e link workers',
      description: 'Social prescribing link workers.',
      url: 'https://case-management-e2e.example.org/link-workers',
      status: 'active',
      attributes: [{ taxonomy_term_id: 'sp-need-loneliness' }],
    }),
    // Recording evidence has the organisation's verification evaluated: an NHS organisation with
    // an ODS code is verified by its registration (organisation.verified).
    await call(
      `${directory}/organizations/${network.linkWorkers.id}/evidence/registered-charity-or-company`,
      opsToken,
      'PUT',
      { reference: 'NHS-ODS-registration' },
    ),
    await call(`${directory}/services/${network.service}/capacity`, opsToken, 'PUT', {
      status: 'has-capacity',
      maximum: 10,
    }),
  ];
  return answers.filter((a) => a.status !== 200 && a.status !== 201).map((a) => JSON.stringify(a));
}

export function newRunNetwork(ids: () => string): RunNetwork {
  return {
    practice: { id: ids(), odsCode: uniqueOdsCode('A') },
    linkWorkers: { id: ids(), odsCode: uniqueOdsCode('U') },
    service: ids(),
  };
}

interface ApiClientRecord {
  _id: string;
  organisationId: string;
  role: string;
  name: string;
  secretHash: string;
  status: 'active';
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Provisions an API client for one organisation in the organisations service's own database, as
 * the operator does (the platform has no API to register clients: the demo seed is the only other
 * writer). The secret is stored as the token endpoint verifies it (`scrypt$<salt>$<hash>`), so the
 * client then signs in through the real `POST /oauth/token`.
 */
export async function provisionApiClient(
  organisationsMongoUrl: string,
  client: { clientId: string; organisationId: string; role: 'referrer' | 'link-worker' | 'provider' },
): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, 32);
  const connection = await mongoose.createConnection(organisationsMongoUrl).asPromise();
  try {
    const now = new Date();
    await connection.db!.collection<ApiClientRecord>('api_clients').insertOne({
      _id: client.clientId,
      organisationId: client.organisationId,
      role: client.role,
      name: 'Case management e2e practice system',
      secretHash: `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
  } finally {
    await connection.close();
  }
  return secret;
}

/** A client-credentials token from the organisations service's token endpoint. */
export async function clientToken(
  organisationsUrl: string,
  clientId: string,
  secret: string,
): Promise<string> {
  const response = await fetch(`${organisationsUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }),
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status} for ${clientId}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Posts a referral until the referrals service's directory replica knows the target (right after
 * registration the directory events may still be on their way: 422 unknown_service or
 * organisation_unverified). Safe to retry: the post carries an Idempotency-Key.
 */
export async function referWhenDirectoryReady(
  referralsUrl: string,
  token: string,
  idempotencyKey: string,
  body: unknown,
): Promise<HttpAnswer<{ id: string; status: string }>> {
  return waitFor(
    async () => {
      const answer = await call<{ id: string; status: string; errors?: Array<{ code: string }> }>(
        `${referralsUrl}/v1/referrals`,
        token,
        'POST',
        body,
        { 'idempotency-key': idempotencyKey },
      );
      const codes = (answer.body.errors ?? []).map((e) => e.code);
      const notYet =
        answer.status === 422 &&
        codes.length > 0 &&
        codes.every((c) => c === 'unknown_service' || c === 'organisation_unverified');
      return notYet ? undefined : answer;
    },
    { timeoutMs: 90_000, intervalMs: 500, description: 'the directory replica knows the run network' },
  );
}

/**
 * Every record of one referral on the lifecycle topic, as bytes (key, value and headers), read
 * from the beginning up to the end offsets seen when called.
 */
export async function lifecycleBytesOf(referralId: string): Promise<Array<{ type: string; bytes: string }>> {
  return (await lifecycleMessagesOf(new Set([referralId]))).map((m) => ({
    type: m.headers['ce_type'] ?? '',
    bytes: `${referralId} ${m.value} ${Object.entries(m.headers)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  }));
}
