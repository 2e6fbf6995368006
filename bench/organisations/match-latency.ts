// Match latency over an imported benchmark directory: prepares the database the way an operated
// directory would be (sample postcode table, assurance evidence for every organisation, an API
// client), boots the compiled organisations service against it, and times POST /v1/directory/match
// one request at a time.
/* eslint-disable @nx/enforce-module-boundaries -- a bench prepares the service's database with the
   service's own code (as its demo seed does) and boots it with the e2e process helper */
import { readFile } from 'node:fs/promises';
import type { Connection } from 'mongoose';
import { directoryIdForSlug, EVIDENCE_TYPES, type EvidenceType } from '@sp/contracts';
import { connectMongo } from '@sp/persistence';
import { testInfra, uniqueName } from '@sp/testing';
import { ApiClientRepository } from '../../services/organisations/src/api-clients/api-client.repository';
import { generateClientSecret, hashClientSecret } from '../../services/organisations/src/oauth/client-secret';
import { importSamplePostcodes } from '../../services/organisations/src/postcodes/import-postcodes.use-case';
import type { AssuranceDocument } from '../../services/organisations/src/trust/assurance.repository';
import type { EvidenceRecord } from '../../services/organisations/src/trust/domain/verification.rules';
import { freePort, startService, type RunningService } from '../../test/support/service-process';
import { BENCH_NEEDS, BENCH_TOWNS } from './generate-directory';

const DAY_MS = 86_400_000;

export interface MatchLatencyReport {
  requests: number;
  preparation: { seconds: number; organisationsWithEvidence: number; outboxesCleared: number };
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  results: { min: number; p50: number; max: number; emptyResponses: number };
  eligibleTotal: { p50: number; max: number };
  responseKiB: { p50: number; max: number };
  serviceKernelPeakRssMiB: number;
  /**
   * The matching snapshot's first build (preloaded at boot, MATCH_SNAPSHOT_PRELOAD): its duration
   * as the service logged it, and the first match's latency (which waits for that build if it is
   * still running).
   */
  snapshot: { firstBuildMs: number | null; services: number | null; firstMatchMs: number };
}

/** Mulberry32 again (deterministic request mix). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

/**
 * Current assurance evidence for every organisation (all four kinds, verified, expiring in a
 * year): what an operated directory's VCS organisations hold, so matching finds them verified.
 * Written as whole `assurance` documents in bulk (the shape AssuranceRepository reads) rather than
 * through the evidence API one organisation at a time: that would take longer than the import, and
 * the organisation.verified events it emits are not what this measures.
 */
async function giveEvidence(connection: Connection, now: Date): Promise<number> {
  const organisations = connection.db!.collection<{ _id: string }>('organizations');
  const assurance = connection.db!.collection<AssuranceDocument>('assurance');
  const ids = (await organisations.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
  const expiresAt = new Date(now.getTime() + 365 * DAY_MS).toISOString();
  const evidence = Object.fromEntries(
    EVIDENCE_TYPES.map((type: EvidenceType): [EvidenceType, EvidenceRecord] => [
      type,
      {
        reference: `BENCH-${type}`,
        verifiedBy: 'bench',
        verifiedAt: now.toISOString(),
        ...(type === 'registered-charity-or-company' ? {} : { expiresAt }),
        status: 'current',
      },
    ]),
  ) as AssuranceDocument['evidence'];
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids
      .slice(i, i + 1000)
      .map((id): AssuranceDocument => ({ _id: id, evidence, pending: {}, updatedAt: now }));
    await assurance.insertMany(chunk, { ordered: false }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 11000) throw error; // already there: a re-run
    });
  }
  return ids.length;
}

/**
 * The import wrote directory events into the records' outboxes; a deployed service would have
 * published them long ago. The bench directory's events are for nobody (and 60,000 of them would
 * flood the shared local Kafka topic and keep the relay busy during the measurement), so they are
 * marked published before the service starts.
 */
async function clearOutboxes(connection: Connection): Promise<number> {
  let cleared = 0;
  for (const table of ['organizations', 'services']) {
    const result = await connection
      .db!.collection(table)
      .updateMany({ outboxPending: true }, { $set: { outboxPending: false }, $unset: { outbox: '' } });
    cleared += result.modifiedCount;
  }
  return cleared;
}

async function kernelPeakRss(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface MatchBody {
  needs: string[];
  postcode?: string;
  location?: { latitude: number; longitude: number };
  age?: number;
  language?: string;
}

/** Varied requests: one or two needs; a sample postcode (Teesside) or a point near a bench town. */
async function requestMix(count: number, postcodes: string[]): Promise<MatchBody[]> {
  const rnd = random(4242);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  return Array.from({ length: count }, (): MatchBody => {
    const needs = [...new Set([pick(BENCH_NEEDS), ...(rnd() < 0.4 ? [pick(BENCH_NEEDS)] : [])])];
    const town = pick(BENCH_TOWNS);
    return {
      needs,
      ...(rnd() < 0.5 && postcodes.length > 0
        ? { postcode: pick(postcodes) }
        : {
            location: {
              latitude: round(town.lat + (rnd() - 0.5) * 0.2, 5),
              longitude: round(town.lon + (rnd() - 0.5) * 0.2, 5),
            },
          }),
      ...(rnd() < 0.7 ? { age: 16 + Math.floor(rnd() * 70) } : {}),
      ...(rnd() < 0.3 ? { language: 'en' } : {}),
    };
  });
}

export async function measureMatchLatency(mongoUrl: string, requests: number): Promise<MatchLatencyReport> {
  const prepStart = Date.now();
  const now = new Date();
  const connection = await connectMongo(mongoUrl);
  const clientId = `bench-client-${Date.now()}`;
  const clientSecret = generateClientSecret();
  let organisationsWithEvidence = 0;
  let outboxesCleared = 0;
  let postcodes: string[] = [];
  try {
    await importSamplePostcodes(connection);
    postcodes = (
      await connection
        .db!.collection<{ _id: string; postcode?: string }>('postcodes')
        .find({})
        .limit(1000)
        .toArray()
    )
      .map((p) => p.postcode ?? p._id)
      .filter((p): p is string => typeof p === 'string');
    organisationsWithEvidence = await giveEvidence(connection, now);
    outboxesCleared = await clearOutboxes(connection);
    // A link worker client of one bench organisation, as the demo seed creates its clients.
    await new ApiClientRepository(connection).upsert({
      _id: clientId,
      organisationId: directoryIdForSlug('organizations', 'bench-org-000000'),
      role: 'link-worker',
      name: 'Bench link worker',
      secretHash: await hashClientSecret(clientSecret),
      status: 'active',
    });
  } finally {
    await connection.close();
  }
  const preparationSeconds = round((Date.now() - prepStart) / 1000);
  process.stderr.write(
    `match bench: ${organisationsWithEvidence} organisations given evidence, ${outboxesCleared} outboxes cleared, ${postcodes.length} postcodes, in ${preparationSeconds} s; starting the service\n`,
  );

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let service: RunningService | undefined;
  try {
    service = await startService('organisations', {
      PORT: String(port),
      MONGO_URL: mongoUrl,
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      KAFKA_GROUP_ID: uniqueName('bench-organisations'),
      REDIS_URL: testInfra.redisUrl,
      JWKS_URL: `${url}/.well-known/jwks.json`,
      TOKEN_ISSUER: url,
      // info: the service logs its matching snapshot's first build (services, ms); few other lines.
      LOG_LEVEL: 'info',
    });
    const tokenResponse = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    if (tokenResponse.status !== 200) {
      throw new Error(`token request failed: ${tokenResponse.status} ${await tokenResponse.text()}`);
    }
    const token = ((await tokenResponse.json()) as { access_token: string }).access_token;

    // At boot the evidence sweep verifies every organisation given evidence and the relay then
    // publishes one organisation.verified per organisation. Time matches on a settled service,
    // not against that one-off burst.
    const settleStart = Date.now();
    await waitForOutboxDrained(url, organisationsWithEvidence);
    process.stderr.write(
      `match bench: boot sweep and outbox drained in ${round((Date.now() - settleStart) / 1000)} s\n`,
    );

    const match = async (body: MatchBody) => {
      const started = performance.now();
      const response = await fetch(`${url}/v1/directory/match`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      if (response.status !== 200) {
        throw new Error(`match ${JSON.stringify(body)} -> ${response.status}: ${text.slice(0, 500)}`);
      }
      const outcome = JSON.parse(text) as { results: unknown[]; total: number };
      return { ms, results: outcome.results.length, total: outcome.total, bytes: text.length };
    };

    const warmUp = Number(process.env['BENCH_MATCH_WARMUP'] ?? 5);
    const mix = await requestMix(requests + warmUp, postcodes);
    let firstMatchMs = 0;
    for (const [n, body] of mix.slice(0, warmUp).entries()) {
      const { ms } = await match(body); // warm-up (JIT, connection pool)
      if (n === 0) firstMatchMs = ms;
    }
    const built = service
      .output()
      .split('\n')
      .filter((line) => line.includes('matching snapshot built'))
      .map((line): { ms?: number; services?: number } => {
        try {
          return JSON.parse(line.slice(line.indexOf('{'))) as { ms?: number; services?: number };
        } catch {
          return {};
        }
      })[0];
    process.stderr.write(
      `match bench: snapshot first build ${built?.ms ?? '?'} ms (${built?.services ?? '?'} services); first match ${Math.round(firstMatchMs)} ms\n`,
    );
    const samples = [];
    for (const [n, body] of mix.slice(warmUp).entries()) {
      const sample = await match(body);
      samples.push(sample);
      process.stderr.write(
        `match ${n + 1}/${requests}: ${Math.round(sample.ms)} ms, ${sample.results} results\n`,
      );
    }

    const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
    const counts = samples.map((s) => s.results).sort((a, b) => a - b);
    const totals = samples.map((s) => s.total).sort((a, b) => a - b);
    const kib = samples.map((s) => s.bytes / 1024).sort((a, b) => a - b);
    return {
      requests: samples.length,
      preparation: { seconds: preparationSeconds, organisationsWithEvidence, outboxesCleared },
      latencyMs: {
        p50: round(percentile(ms, 50)),
        p90: round(percentile(ms, 90)),
        p99: round(percentile(ms, 99)),
        max: round(ms.at(-1) ?? 0),
        mean: round(ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)),
      },
      results: {
        min: counts[0] ?? 0,
        p50: percentile(counts, 50),
        max: counts.at(-1) ?? 0,
        emptyResponses: counts.filter((c) => c === 0).length,
      },
      eligibleTotal: { p50: percentile(totals, 50), max: totals.at(-1) ?? 0 },
      responseKiB: { p50: round(percentile(kib, 50)), max: round(kib.at(-1) ?? 0) },
      serviceKernelPeakRssMiB: Math.round((await kernelPeakRss(service.process.pid)) / 1024 / 1024),
      snapshot: {
        firstBuildMs: built?.ms ?? null,
        services: built?.services ?? null,
        firstMatchMs: round(firstMatchMs),
      },
    };
  } catch (error) {
    if (service) process.stderr.write(`organisations service output:\n${service.output().slice(-4000)}\n`);
    throw error;
  } finally {
    await service?.stop();
  }
}

/** Waits until the relay has published `expected` assurance events and no outbox has a backlog. */
async function waitForOutboxDrained(url: string, expected: number): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  let settledPolls = 0;
  while (Date.now() < deadline) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const value = (prefix: string): number =>
      metrics
        .split('\n')
        .filter((line) => line.startsWith(prefix))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    const published = value('sp_outbox_published_total{collection="assurance"}');
    const backlog = value('sp_outbox_backlog{');
    settledPolls = published >= expected && backlog === 0 ? settledPolls + 1 : 0;
    if (settledPolls >= 3) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the organisations service did not publish its boot sweep's ${expected} events in time`);
}
