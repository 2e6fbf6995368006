// What one referral intake's database operations cost on FerretDB as the collection grows
// (`npx tsx bench/referrals/ferretdb-probe.ts`; env BENCH_PROBE_SIZES, default 0,2000,5000,10000).
// Times, one at a time (no concurrency), the operations the create path makes: insertOne of a
// referral-sized document, findOne by _id, findOne by (requesterOrganisationId, idempotencyKey)
// (the Idempotency-Key lookup), countDocuments({ outboxPending: true }) (the relay's poll), with
// the same indexes the service creates.
import { randomUUID } from 'node:crypto';
import { testDatabaseName, testInfra } from '@sp/testing';
import { MongoClient, type Document } from 'mongodb';

const SIZES = (process.env['BENCH_PROBE_SIZES'] ?? '0,2000,5000,10000').split(',').map(Number);
const SAMPLES = 50;

function referral(i: number): Document {
  const now = new Date();
  return {
    _id: randomUUID(),
    requesterOrganisationId: 'org-bench-practice',
    requesterOdsCode: 'A99999',
    requesterClientId: 'bench-gp',
    targetServiceId: 'svc-bench',
    ownerOrganisationId: 'org-bench-provider',
    needs: ['sp-need-loneliness', 'sp-need-physical-activity'],
    priority: 'routine',
    patient: {
      nhsNumber: `99${String(i).padStart(8, '0')}`,
      givenName: 'Alex',
      familyName: 'Smith',
      birthDate: '1960-01-01',
    },
    patientKey: randomUUID().replace(/-/g, ''),
    consent: { given: true, recordedBy: 'Dr Bench', recordedAt: now, scope: 'share-with-receiving-service' },
    doNotContact: false,
    idempotencyKey: `probe-key-${i}`,
    requestFingerprint: randomUUID().replace(/-/g, '').repeat(2),
    childReferralIds: [],
    status: 'requested',
    version: 1,
    createdAt: now,
    updatedAt: now,
    respondBy: now,
    remindAt: now,
    history: [
      {
        version: 1,
        at: now,
        by: { clientId: 'bench-gp', organisationId: 'org-bench-practice', role: 'referrer' },
        action: 'submitted',
        from: null,
        to: 'requested',
      },
    ],
    outbox: [],
    outboxPending: false,
  };
}

async function timeMs(n: number, op: (k: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let k = 0; k < n; k += 1) await op(k);
  return (performance.now() - start) / n;
}

async function main(): Promise<void> {
  const client = new MongoClient(testInfra.mongoUrlFor(testDatabaseName('bench_probe')), { maxPoolSize: 2 });
  await client.connect();
  const c = client.db().collection<Document>('referrals');
  await c.createIndex({ requesterOrganisationId: 1, idempotencyKey: 1 }, { unique: true });
  await c.createIndex({ outboxPending: 1 });
  let inserted = 0;
  console.log(
    'docs   insertOne  findOne(_id)  findOne(org,key)  count(outboxPending)   (ms per op, sequential)',
  );
  try {
    for (const size of SIZES) {
      while (inserted < size) {
        const batch = Array.from({ length: Math.min(1000, size - inserted) }, (_, j) =>
          referral(inserted + j),
        );
        await c.insertMany(batch);
        inserted += batch.length;
      }
      const insert = await timeMs(SAMPLES, () => c.insertOne(referral(1_000_000 + inserted++)));
      const ids = (
        await c
          .find({}, { projection: { _id: 1 } })
          .limit(SAMPLES)
          .toArray()
      ).map((d) => String(d._id));
      const byId = await timeMs(SAMPLES, (k) =>
        c.findOne({ _id: ids[k % Math.max(1, ids.length)] as never }),
      );
      const byKey = await timeMs(SAMPLES, (k) =>
        c.findOne({
          requesterOrganisationId: 'org-bench-practice',
          idempotencyKey: `probe-key-missing-${k}`,
        }),
      );
      const pending = await timeMs(10, () => c.countDocuments({ outboxPending: true }));
      console.log(
        `${String(size).padStart(5)}  ${insert.toFixed(2).padStart(9)}  ${byId.toFixed(2).padStart(12)}  ${byKey.toFixed(2).padStart(16)}  ${pending.toFixed(2).padStart(20)}`,
      );
    }
  } finally {
    await client.db().dropDatabase();
    await client.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
