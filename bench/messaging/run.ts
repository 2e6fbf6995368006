// Messaging benchmark: what our abstractions cost over bare kafkajs, on the real local broker
// and database (SecantusDB locally; `npm run bench:messaging`; infra from
// `bash infra/local/platform.sh start`).
//
// 1. Consumption: the same N valid envelopes on one 6-partition topic, read by a bare kafkajs
//    consumer (eachMessage + JSON.parse) and by KafkaEventTransport (decode + validate against the
//    contract, trace context, metrics, retry/dead-letter machinery) with a trivial handler.
// 2. Publishing: the outbox relay draining M documents with pending entries from the database,
//    versus bare kafkajs sendBatch of the same records in batches of the same size. The relay's
//    time is split into Kafka produce calls and database commands (driver command monitoring).
//
// Env: KAFKA_BROKERS, MONGO_URL, BENCH_MESSAGES (default 50000), BENCH_OUTBOX_DOCS (default 5000),
// BENCH_RELAY_BATCH (default 500).
import { cpus, loadavg, totalmem } from 'node:os';
import { Type } from '@sinclair/typebox';
import {
  ContractRegistry,
  createEnvelope,
  defineEvent,
  eventTypeFor,
  toKafkaRecord,
  type EventEnvelope,
} from '@sp/contracts';
import { createLogger } from '@sp/observability';
import { testDatabaseName, testInfra, uniqueName } from '@sp/testing';
import {
  EventPublisher,
  KafkaEventTransport,
  OutboxRelay,
  ensureTopics,
  outboxInsertFields,
  type PublishRecord,
} from '@sp/messaging';
import { Kafka, Partitioners, logLevel, type Consumer } from 'kafkajs';
import { MongoClient, type Document } from 'mongodb';

const N = Number(process.env['BENCH_MESSAGES'] ?? 50_000);
const OUTBOX_DOCS = Number(process.env['BENCH_OUTBOX_DOCS'] ?? 5_000);
const RELAY_BATCH = Number(process.env['BENCH_RELAY_BATCH'] ?? 500);
const PARTITIONS = 6;
const brokers = testInfra.kafkaBrokers;
const logger = createLogger('bench-messaging', 'warn');

const BenchSchema = Type.Object(
  {
    orderId: Type.String({ minLength: 1, maxLength: 64 }),
    seq: Type.Integer({ minimum: 0 }),
    status: Type.Union([Type.Literal('placed'), Type.Literal('shipped')]),
    items: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 }),
    occurredAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

function benchContract(topic: string) {
  return defineEvent({
    name: 'bench.order-placed',
    version: 1,
    type: eventTypeFor('bench.order-placed', 1),
    topic: { name: topic, partitions: PARTITIONS, description: 'benchmark', key: 'orderId' },
    schema: BenchSchema,
    partitionKey: (d) => d.orderId,
    subject: (d) => `orders/${d.orderId}`,
    producer: 'analytics',
    summary: 'benchmark event',
  });
}

function envelopes(contract: ReturnType<typeof benchContract>, count: number): EventEnvelope[] {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, i) =>
    createEnvelope(
      contract,
      {
        orderId: `order-${i % 5_000}`,
        seq: i,
        status: 'placed',
        items: ['sku-1', 'sku-22', 'sku-333'],
        occurredAt: now,
      },
      {
        source: '/bench/messaging',
        correlationId: `bench-${i}`,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
    ),
  );
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Resolves when `count()` reaches `target`, polling every 20 ms, bounded. */
async function until(count: () => number, target: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < target) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${count()}/${target}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function produceAll(records: PublishRecord[]): Promise<void> {
  const publisher = new EventPublisher({ brokers, clientId: 'bench-setup' }, { logger });
  for (let i = 0; i < records.length; i += 2_000) await publisher.publish(records.slice(i, i + 2_000));
  await publisher.disconnect();
}

/** Seconds from the first to the N-th message of a bare kafkajs consumer. */
async function bareConsume(topic: string): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-bare', brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('bench-bare') });
  let seen = 0;
  let first = 0n;
  let last = 0n;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (seen === 0) first = process.hrtime.bigint();
      JSON.parse(message.value?.toString('utf8') ?? 'null');
      seen += 1;
      if (seen === N) last = process.hrtime.bigint();
    },
  });
  await until(() => seen, N, 300_000, 'bare consumer');
  await consumer.disconnect();
  return Number(last - first) / 1e9;
}

/** Seconds from the first to the N-th message through KafkaEventTransport. */
async function transportConsume(registry: ContractRegistry, type: string): Promise<number> {
  const transport = new KafkaEventTransport({
    connection: { brokers, clientId: 'bench-transport' },
    groupId: uniqueName('bench-transport'),
    registry,
    logger,
  });
  let seen = 0;
  let first = 0n;
  let last = 0n;
  transport.addEventHandler(type, () => {
    if (seen === 0) first = process.hrtime.bigint();
    seen += 1;
    if (seen === N) last = process.hrtime.bigint();
  });
  await new Promise<void>((resolve, reject) => transport.listen((err) => (err ? reject(err) : resolve())));
  await until(() => seen, N, 300_000, 'transport');
  await transport.close();
  return Number(last - first) / 1e9;
}

async function main(): Promise<void> {
  const machine = `${cpus().length} CPU (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
  console.log(`Messaging benchmark: ${machine}`);
  console.log(
    `load average at the start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `broker ${brokers.join(',')}, ${N} messages, ${PARTITIONS} partitions; outbox ${OUTBOX_DOCS} documents, relay batch ${RELAY_BATCH}`,
  );

  // 1. Consumption
  const topic = uniqueName('bench-messaging');
  const contract = benchContract(topic);
  const registry = new ContractRegistry([contract]);
  await ensureTopics({ brokers, clientId: 'bench-setup' }, [contract.topic], { logger });
  const envs = envelopes(contract, N);
  await produceAll(envs.map((e) => ({ topic, ...toKafkaRecord(e) })));
  const bareSeconds = await bareConsume(topic);
  const transportSeconds = await transportConsume(registry, contract.type);
  const bareRate = N / bareSeconds;
  const transportRate = N / transportSeconds;

  // 2. Publishing through the outbox relay vs bare sendBatch of the same records
  const outTopic = uniqueName('bench-outbox');
  const outContract = benchContract(outTopic);
  const outRegistry = new ContractRegistry([outContract]);
  await ensureTopics({ brokers, clientId: 'bench-setup' }, [outContract.topic], { logger });
  const outEnvs = envelopes(outContract, OUTBOX_DOCS);
  const records: PublishRecord[] = outEnvs.map((e) => ({ topic: outTopic, ...toKafkaRecord(e) }));

  const bare = new Kafka({ clientId: 'bench-bare-producer', brokers, logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await bare.connect();
  const bareSendSeconds = await timed(async () => {
    for (let i = 0; i < records.length; i += RELAY_BATCH) {
      await bare.sendBatch({
        acks: -1,
        topicMessages: [{ topic: outTopic, messages: records.slice(i, i + RELAY_BATCH) }],
      });
    }
  });
  await bare.disconnect();

  const mongo = new MongoClient(testInfra.mongoUrlFor(testDatabaseName('bench_messaging')), {
    monitorCommands: true,
  });
  await mongo.connect();
  const aggregates = mongo.db().collection<Document>('orders');
  // Time spent inside Kafka produce calls, to split the relay's time between Kafka and the database.
  let kafkaSeconds = 0;
  class TimedPublisher extends EventPublisher {
    override async publish(batch: PublishRecord[]): Promise<void> {
      kafkaSeconds += await timed(() => super.publish(batch));
    }
  }
  const publisher = new TimedPublisher({ brokers, clientId: 'bench-relay' }, { logger });
  await publisher.connect();
  // Server time per database command during the drain (find pending, bulk marking, lease).
  const dbSeconds: Record<string, { n: number; seconds: number }> = {};
  let monitoring = false;
  mongo.on('commandSucceeded', (e) => {
    if (!monitoring) return;
    const row = (dbSeconds[e.commandName] ??= { n: 0, seconds: 0 });
    row.n += 1;
    row.seconds += e.duration / 1_000;
  });
  const relay = new OutboxRelay({ publisher, collections: [aggregates], batchSize: RELAY_BATCH, logger });
  // Warm-up on the empty collection, as a service's relay does at boot: the flag's index, the
  // lease, the connections. The drain below is the steady state.
  await relay.runOnce();
  // The same records, written as the services write them: the entry plus the pending flag.
  for (let i = 0; i < outEnvs.length; i += 1_000) {
    await aggregates.insertMany(
      outEnvs.slice(i, i + 1_000).map((env, j): Document => ({
        _id: `order-${i + j}`,
        status: 'placed',
        ...outboxInsertFields([env], { registry: outRegistry }),
      })),
    );
  }
  let relayed = 0;
  monitoring = true;
  // drain(): what the relay's loop runs when woken (pipelined batches until nothing is pending).
  const relaySeconds = await timed(async () => {
    relayed = await relay.drain();
  });
  monitoring = false;
  if (relayed !== OUTBOX_DOCS || (await relay.backlog()) !== 0)
    throw new Error(`relay published ${relayed}/${OUTBOX_DOCS}`);
  await relay.stop();
  await publisher.disconnect();
  await mongo.db().dropDatabase();
  await mongo.close();

  const admin = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin
    .deleteTopics({ topics: [topic, `${topic}.dlq`, outTopic, `${outTopic}.dlq`] })
    .catch(() => undefined);
  await admin.disconnect();

  const bareSendRate = OUTBOX_DOCS / bareSendSeconds;
  const relayRate = OUTBOX_DOCS / relaySeconds;
  const row = (name: string, rate: number, seconds: number): string =>
    `  ${name.padEnd(44)} ${Math.round(rate).toString().padStart(8)} msg/s  (${seconds.toFixed(2)} s)`;
  console.log('\nConsume');
  console.log(row('bare kafkajs (eachMessage + JSON.parse)', bareRate, bareSeconds));
  console.log(row('KafkaEventTransport (trivial handler)', transportRate, transportSeconds));
  console.log(`  ratio transport/bare: ${(transportRate / bareRate).toFixed(2)} (aim >= 0.70)`);
  console.log('Publish');
  console.log(row(`bare kafkajs sendBatch (${RELAY_BATCH}/batch)`, bareSendRate, bareSendSeconds));
  console.log(row(`OutboxRelay (${RELAY_BATCH} docs/pass)`, relayRate, relaySeconds));
  console.log(`  ratio relay/bare: ${(relayRate / bareSendRate).toFixed(2)} (aim >= 0.50)`);
  console.log(
    `  relay time split: Kafka produce ${kafkaSeconds.toFixed(2)} s, rest ${(relaySeconds - kafkaSeconds).toFixed(2)} s, of which database commands ${Object.entries(
      dbSeconds,
    )
      .map(([name, { n, seconds }]) => `${name} ${n}x ${seconds.toFixed(2)} s`)
      .join(', ')}`,
  );
  console.log(
    `  load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    JSON.stringify({
      machine,
      messages: N,
      consume: {
        bare: Math.round(bareRate),
        transport: Math.round(transportRate),
        ratio: +(transportRate / bareRate).toFixed(3),
      },
      publish: {
        documents: OUTBOX_DOCS,
        batch: RELAY_BATCH,
        bare: Math.round(bareSendRate),
        relay: Math.round(relayRate),
        ratio: +(relayRate / bareSendRate).toFixed(3),
        relayKafkaSeconds: +kafkaSeconds.toFixed(2),
        relayOtherSeconds: +(relaySeconds - kafkaSeconds).toFixed(2),
        relayDatabaseCommands: dbSeconds,
      },
      loadAverage: loadavg(),
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
