// Helpers of the scale-out end-to-end test: tokens signed with the key the organisations instances
// share, per-run organisations and services, referral requests, and what Kafka says about the
// consumer groups and the lifecycle topic.
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { Topics } from '@sp/contracts';
import { TokenIssuer, type JWK, type Role } from '@sp/identity';
import { testInfra, uniqueName, waitFor } from '@sp/testing';

export const TOKEN_AUDIENCE = 'social-prescribing';

/** Mints tokens as the organisations service would, with the signing key its instances share. */
export class TestTokens {
  private readonly issuer: TokenIssuer;
  private readonly cache = new Map<string, Promise<string>>();

  constructor(privateJwk: JWK, issuer: string) {
    this.issuer = new TokenIssuer({ privateJwk, issuer, audience: TOKEN_AUDIENCE, ttlSeconds: 3600 });
  }

  for(organisationId: string, role: Role, odsCode?: string): Promise<string> {
    const key = `${organisationId}|${role}|${odsCode ?? ''}`;
    let token = this.cache.get(key);
    if (token === undefined) {
      token = this.issuer
        .issue({
          clientId: `e2e-${role}-${organisationId}`,
          organisationId,
          role,
          scopes: [],
          ...(odsCode ? { odsCode } : {}),
        })
        .then((t) => t.access_token);
      this.cache.set(key, token);
    }
    return token;
  }
}

/** An ODS-shaped code unique to this run (A-Z0-9, 8 characters). */
export function uniqueOdsCode(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex').toUpperCase()}`.slice(0, 8);
}

/** The n-th valid NHS number of a run (modulus 11 check digit), for distinct test patients. */
export function nhsNumber(seed: number): string {
  for (let n = seed; ; n += 1) {
    const base = String(400_000_000 + ((n * 7919) % 500_000_000)).padStart(9, '0');
    const sum = [...base].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${base}${check === 11 ? 0 : check}`;
  }
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
}

/** One JSON request; the body of any answer is parsed (problem documents included). */
export async function call<T = unknown>(
  url: string,
  token: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer<T>> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Body of POST /v1/referrals for one patient of the run. */
export function referralBody(
  odsCode: string,
  targetServiceId: string,
  patient: number,
): Record<string, unknown> {
  return {
    patient: {
      nhsNumber: nhsNumber(patient),
      givenName: `Test${patient}`,
      familyName: 'Scale-Out',
      birthDate: '1950-01-01',
    },
    requesterOdsCode: odsCode,
    targetServiceId,
    needs: ['sp-need-loneliness'],
    priority: patient % 4 === 0 ? 'urgent' : 'routine',
    consent: {
      given: true,
      recordedBy: 'Dr Scale',
      recordedAt: new Date().toISOString(),
      scope: 'share-with-receiving-service',
    },
  };
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function inParallel<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: testInfra.kafkaBrokers, logLevel: logLevel.NOTHING });
}

/** Members of a consumer group and the lifecycle partitions each holds (empty list: holds none). */
export async function lifecyclePartitionsByMember(groupId: string): Promise<number[][]> {
  const admin = kafka('e2e-admin').admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group || group.state !== 'Stable') return [];
    return group.members.map((m) => {
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      return [...(decoded?.assignment[Topics.referralLifecycle.name] ?? [])].sort((a, b) => a - b);
    });
  } finally {
    await admin.disconnect();
  }
}

export interface LifecycleRecord {
  referralId: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** One record of the lifecycle topic as it was written: key, value and headers as strings. */
export interface RawLifecycleMessage {
  referralId: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Every record of the given referrals on the lifecycle topic, read from the beginning up to the
 * end offsets seen when called (so it ends, however much history the shared topic holds).
 */
export async function lifecycleMessagesOf(referralIds: Set<string>): Promise<RawLifecycleMessage[]> {
  const topic = Topics.referralLifecycle.name;
  const admin = kafka('e2e-admin').admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)] as const),
  );
  await admin.disconnect();
  const consumer = kafka('e2e-reader').consumer({ groupId: uniqueName('e2e-reader') });
  const found: RawLifecycleMessage[] = [];
  const reached = new Set([...ends].filter(([, end]) => end === 0n).map(([p]) => p));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key?.toString() ?? '';
        if (referralIds.has(key)) {
          found.push({
            referralId: key,
            value: message.value?.toString() ?? '',
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)] as const),
            ),
          });
        }
        if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) reached.add(partition);
      },
    });
    await waitFor(() => reached.size === ends.size, {
      timeoutMs: 60_000,
      description: `the lifecycle topic read to its end offsets`,
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

/** The given referrals' lifecycle events (CloudEvents id, type and data), in topic order per referral. */
export async function lifecycleRecordsOf(referralIds: Set<string>): Promise<LifecycleRecord[]> {
  return (await lifecycleMessagesOf(referralIds))
    .filter((m) => m.value !== '')
    .map((m) => ({
      referralId: m.referralId,
      id: String(m.headers['ce_id']),
      type: String(m.headers['ce_type']),
      data: JSON.parse(m.value) as Record<string, unknown>,
    }));
}

/** A Prometheus counter's value summed over the series whose labels contain every given label. */
export async function metricSum(
  serviceUrl: string,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    )
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/**
 * Polls `read` until it equals `expected` (bounded), then asserts it: on timeout the assertion
 * shows the difference between the last value read and the expected one.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  expected: T,
  description: string,
  timeoutMs = 90_000,
): Promise<void> {
  let last: T | undefined;
  await waitFor(
    async () => {
      last = await read();
      return isDeepStrictEqual(last, expected) || undefined;
    },
    { timeoutMs, intervalMs: 1000, description },
  ).catch(() => undefined);
  expect(last).toEqual(expected);
}
