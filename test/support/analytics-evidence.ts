// Helpers of the analytics evidence end-to-end test: the run's network (two practices with the ODS
// codes of the GP registration fixture, a link-worker organisation with a service that has
// capacity and one that has none), the run's imports (deprivation table, practice registry), the
// patients' intake bodies (JSON and FHIR), report requests, and what the run stored.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { Topics } from '@sp/contracts';
import { localOidcIssuersEnv, startGroupsAtTopicsEnd, testInfra, waitFor } from '@sp/testing';
import { clientToken, provisionApiClient } from './case-management';
import { removeRunQueues } from './closed-loop';
import { call, uniqueOdsCode, type HttpAnswer } from './scale-out';
import { freePort, repoRoot, runToCompletion, startService, type RunningService } from './service-process';

export interface EvidenceNetwork {
  practiceA: { id: string; odsCode: 'A81001' };
  practiceB: { id: string; odsCode: 'A81002' };
  linkWorkers: { id: string; odsCode: string };
  /** Has capacity; meets sp-need-loneliness. */
  service: string;
  /** Declared no capacity; meets sp-need-debt: referrals to it are refused at intake. */
  fullService: string;
}

/**
 * The practices reuse the ODS codes of the GP registration fixture (A81001, A81002 in PCN U81234,
 * ICB QHM) so the equity report has their list sizes; their directory ids are the run's own, and
 * every scope of the test names those ids, so other runs' practices with the same codes never count.
 */
export function newEvidenceNetwork(ids: () => string): EvidenceNetwork {
  return {
    practiceA: { id: ids(), odsCode: 'A81001' },
    practiceB: { id: ids(), odsCode: 'A81002' },
    linkWorkers: { id: ids(), odsCode: uniqueOdsCode('U') },
    service: ids(),
    fullService: ids(),
  };
}

/** List sizes of the fixture's practices (infra/local/data/gp-registrations/README.md). */
export const LIST_SIZES = {
  A81001: { female: 4544, male: 4236 },
  A81002: { female: 2872, male: 2671 },
} as const;

/** Registers the network through the management API as an operator does; returns the failures. */
export async function registerEvidenceNetwork(
  organisationsUrl: string,
  opsToken: string,
  network: EvidenceNetwork,
): Promise<string[]> {
  const directory = `${organisationsUrl}/v1/directory`;
  const organisation = (id: string, kind: string, odsCode: string, name: string) =>
    call(`${directory}/organizations`, opsToken, 'POST', {
      id,
      name,
      description: `${name} of the analytics evidence test run.`,
      kind,
      ods_code: odsCode,
    });
  const service = (id: string, name: string, need: string) =>
    call(`${directory}/services`, opsToken, 'POST', {
      id,
      organization_id: network.linkWorkers.id,
      name,
      description: 'Social prescribing link workers.',
      url: `https://analytics-evidence.example.org/${id}`,
      status: 'active',
      attributes: [{ taxonomy_term_id: need }],
    });
  const answers: HttpAnswer[] = [
    await organisation(network.practiceA.id, 'gp-practice', 'A81001', 'Evidence practice A'),
    await organisation(network.practiceB.id, 'gp-practice', 'A81002', 'Evidence practice B'),
    await organisation(
      network.linkWorkers.id,
      'link-worker-service',
      network.linkWorkers.odsCode,
      'Evidence link workers',
    ),
    await service(network.service, 'Evidence link workers', 'sp-need-loneliness'),
    await service(network.fullService, 'Evidence money advice', 'sp-need-debt'),
    await call(
      `${directory}/organizations/${network.linkWorkers.id}/evidence/registered-charity-or-company`,
      opsToken,
      'PUT',
      { reference: 'NHS-ODS-registration' },
    ),
    await call(`${directory}/services/${network.service}/capacity`, opsToken, 'PUT', {
      status: 'has-capacity',
      maximum: 50,
    }),
    await call(`${directory}/services/${network.fullService}/capacity`, opsToken, 'PUT', {
      status: 'no-capacity',
    }),
  ];
  return answers.filter((a) => a.status !== 200 && a.status !== 201).map((a) => JSON.stringify(a));
}

/**
 * Waits until the referrals service's directory replica has both services (the full one with its
 * no-capacity status) and the verified link-worker organisation, so a referral to the full service
 * is refused for its capacity alone (not as an unknown service).
 */
export async function waitForReferralsReplica(
  referralsMongoUrl: string,
  network: EvidenceNetwork,
): Promise<void> {
  const connection = await mongoose.createConnection(referralsMongoUrl).asPromise();
  try {
    const db = connection.db!;
    await waitFor(
      async () =>
        (await db.collection('directory_services').countDocuments({ _id: network.service as never })) === 1 &&
        (await db
          .collection('directory_services')
          .countDocuments({ _id: network.fullService as never, capacityStatus: 'no-capacity' })) === 1 &&
        (await db
          .collection('directory_organisations')
          .countDocuments({ _id: network.linkWorkers.id as never, verified: true })) === 1,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        description: "the referrals service's replica knows the network",
      },
    );
  } finally {
    await connection.close();
  }
}

/**
 * The run's imports, by the compiled commands scripts/start.sh runs: the deprivation table into
 * the run's referrals database, the GP registration files into the run's analytics database.
 * Returns each command's exit code and, when it failed, its output.
 */
export async function importRunData(mongoFor: (service: string) => string): Promise<string[]> {
  const deprivation = resolve(repoRoot, 'infra/local/data/deprivation');
  const results = [
    await runToCompletion(
      'dist/services/referrals/src/deprivation/import-deprivation/import-deprivation.cli.js',
      { MONGO_URL: mongoFor('referrals'), LOG_LEVEL: 'warn' },
      [
        '--postcodes',
        `${deprivation}/ONSPD_sample.csv`,
        '--imd',
        `${deprivation}/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv`,
      ],
    ),
    await runToCompletion(
      'dist/services/analytics/src/practices/import-practices/import-practices.js',
      { MONGO_URL: mongoFor('analytics'), LOG_LEVEL: 'warn' },
      [resolve(repoRoot, 'infra/local/data/gp-registrations')],
    ),
  ];
  return results.map((r) => (r.code === 0 ? '0' : `${r.code}: ${r.output}`));
}

export interface ReportRow {
  group: Record<string, string>;
  measures: Record<string, number | null>;
  suppressed: string[];
}
export interface ReportDocument {
  report: string;
  suppression: 'applied' | 'none';
  rows: ReportRow[];
  total: ReportRow;
  errors?: Array<{ field: string; code: string }>;
}

/** GET /v1/reports/<name>?<query> as JSON. */
export function report(
  analyticsUrl: string,
  token: string,
  name: string,
  query: Record<string, string | string[]>,
): Promise<HttpAnswer<ReportDocument>> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  return call<ReportDocument>(`${analyticsUrl}/v1/reports/${name}?${params}`, token);
}

/** GET /v1/reports/<name> as CSV: status, content type and the lines split into cells. */
export async function reportCsv(
  analyticsUrl: string,
  token: string,
  name: string,
  query: Record<string, string>,
): Promise<{ status: number; contentType: string; lines: string[][] }> {
  const response = await fetch(`${analyticsUrl}/v1/reports/${name}?${new URLSearchParams(query)}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/csv' },
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    // The test's cells hold no commas, quotes or line breaks: a plain split reads them.
    lines: text
      .split('\r\n')
      .filter((l) => l.length > 0)
      .map((l) => l.split(',')),
  };
}

/** One measure of each row, keyed by the rows' value of one group column. */
export function byGroup(rows: ReportRow[], key: string, measure: string): Record<string, number | null> {
  return Object.fromEntries(rows.map((r) => [r.group[key] ?? '', r.measures[measure] ?? null]));
}

/** Every document of every collection of a database, as one JSON text. */
export async function databaseDump(mongoUrl: string): Promise<{ collections: string[]; text: string }> {
  const connection = await mongoose.createConnection(mongoUrl).asPromise();
  try {
    const db = connection.db!;
    const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
    const docs = await Promise.all(names.map((n) => db.collection(n).find({}).toArray()));
    return { collections: names, text: JSON.stringify(docs) };
  } finally {
    await connection.close();
  }
}

/** How many documents of a collection match a filter. */
export async function countIn(mongoUrl: string, collection: string, filter: object): Promise<number> {
  const connection = await mongoose.createConnection(mongoUrl).asPromise();
  try {
    return await connection.db!.collection(collection).countDocuments(filter);
  } finally {
    await connection.close();
  }
}

/**
 * Every record (key, value, headers as text) put on the lifecycle topic since the group `groupId`
 * was started at the topic's end (startGroupsAtTopicsEnd), up to the end offsets seen now: all the
 * events of the run (and of other runs at the same time, which the caller filters out).
 */
export async function lifecycleSince(groupId: string): Promise<string[]> {
  const topic = Topics.referralLifecycle.name;
  const kafka = new Kafka({
    clientId: 'e2e-evidence',
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)] as const),
  );
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  const reached = new Set(
    (committed?.partitions ?? [])
      .filter((p) => BigInt(p.offset) >= (ends.get(p.partition) ?? 0n))
      .map((p) => p.partition),
  );
  const records: string[] = [];
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const end = ends.get(partition) ?? 0n;
        if (BigInt(message.offset) < end) {
          const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`);
          records.push(
            [message.key?.toString() ?? '', message.value?.toString() ?? '', ...headers].join(' '),
          );
        }
        if (BigInt(message.offset) + 1n >= end) reached.add(partition);
      },
    });
    await waitFor(() => reached.size === ends.size, {
      timeoutMs: 60_000,
      description: 'the lifecycle topic read from the run start to its end offsets',
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

export interface EvidenceTokens {
  ops: string;
  practiceA: string;
  practiceB: string;
  linkWorkers: string;
}

/**
 * The four compiled services of the run, each with its own database (analytics and notifications
 * with their own groups started at the topics' end, as is the test's lifecycle reader
 * `readerGroup`); the run's imports; the demo seed's operator client; the run's network and its
 * API clients (both practices, the link workers), signed in through the real token endpoint.
 * Services are pushed to `services` as soon as they are up, so the caller stops them if a later
 * step fails.
 */
export async function startEvidencePlatform(
  run: string,
  mongoFor: (service: string) => string,
  network: EvidenceNetwork,
  readerGroup: string,
  services: RunningService[],
): Promise<EvidenceTokens> {
  const organisationsPort = await freePort();
  const organisationsUrl = `http://127.0.0.1:${organisationsPort}`;
  const common = {
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    REDIS_URL: testInfra.redisUrl,
    JWKS_URL: `${organisationsUrl}/.well-known/jwks.json`,
    TOKEN_ISSUER: organisationsUrl,
    OIDC_ISSUERS: localOidcIssuersEnv(),
    LOG_LEVEL: 'warn',
  };
  await startGroupsAtTopicsEnd(
    [`analytics-${run}`, `notifications-${run}`, readerGroup],
    [Topics.referralLifecycle, Topics.directory],
  );
  const imports = await importRunData(mongoFor);
  if (imports.some((r) => r !== '0')) throw new Error(`the run's imports failed: ${imports.join('\n')}`);
  const start = async (name: RunningService['name'], env: NodeJS.ProcessEnv): Promise<void> => {
    services.push(await startService(name, { ...common, ...env }));
  };
  await start('organisations', {
    PORT: String(organisationsPort),
    MONGO_URL: mongoFor('organisations'),
    KAFKA_GROUP_ID: `organisations-${run}`,
  });
  const clientsFile = join(tmpdir(), `${run}-demo-clients.json`);
  const [seed] = await Promise.all([
    runToCompletion('dist/services/organisations/src/demo/seed-demo.js', {
      ...common,
      MONGO_URL: mongoFor('organisations'),
      DEMO_CLIENTS_FILE: clientsFile,
    }),
    start('referrals', {
      MONGO_URL: mongoFor('referrals'),
      KAFKA_GROUP_ID: `referrals-${run}`,
      QUEUE_PREFIX: `${run}_referrals`,
    }),
    start('analytics', { MONGO_URL: mongoFor('analytics'), KAFKA_GROUP_ID: `analytics-${run}` }),
    start('notifications', {
      MONGO_URL: mongoFor('notifications'),
      KAFKA_GROUP_ID: `notifications-${run}`,
      QUEUE_PREFIX: `${run}_notifications`,
    }),
  ]);
  if (seed.code !== 0) throw new Error(`the demo seed failed (${seed.code}): ${seed.output}`);
  const { clients } = JSON.parse(await readFile(clientsFile, 'utf8')) as {
    clients: Array<{ clientId: string; clientSecret: string }>;
  };
  const opsClient = clients.find((c) => c.clientId === 'platform-ops')!;
  const ops = await clientToken(organisationsUrl, opsClient.clientId, opsClient.clientSecret);
  const failures = await registerEvidenceNetwork(organisationsUrl, ops, network);
  if (failures.length > 0) throw new Error(`registering the run's network failed: ${failures.join('\n')}`);
  const tokenOf = async (name: string, organisationId: string, role: 'referrer' | 'link-worker') => {
    const clientId = `${run}-${name}`;
    const secret = await provisionApiClient(mongoFor('organisations'), { clientId, organisationId, role });
    return clientToken(organisationsUrl, clientId, secret);
  };
  const tokens: EvidenceTokens = {
    ops,
    practiceA: await tokenOf('practice-a', network.practiceA.id, 'referrer'),
    practiceB: await tokenOf('practice-b', network.practiceB.id, 'referrer'),
    linkWorkers: await tokenOf('link-workers', network.linkWorkers.id, 'link-worker'),
  };
  await waitForReferralsReplica(mongoFor('referrals'), network);
  return tokens;
}

/** Stops the run's services (SIGTERM) and removes its queues; `<name>:<exit code>` (and output when not 0). */
export async function stopEvidencePlatform(run: string, services: RunningService[]): Promise<string[]> {
  const codes = await Promise.all(
    services.map(async (s) => {
      const code = await s.stop('SIGTERM');
      return code === 0 ? `${s.name}:0` : `${s.name}:${code}\n${s.output().slice(-3000)}`;
    }),
  );
  await removeRunQueues(testInfra.redisUrl, `${run}_`);
  return codes;
}
