// The bare baseline of the fan-out benchmark: a plain kafkajs consumer that, for each
// referral.submitted record, builds the same thin payload the service sends, signs it with
// standardwebhooks for the owner organisation's endpoint and POSTs it (fetch) to the same receiver.
// No database, no Redis, no retries beyond a few quick ones; as many POSTs in flight as the
// service's webhook workers (BENCH_BARE_CONCURRENCY, default 50), every partition at once.
// It runs as its own process (forked by run.ts, like the service), so it never shares an event
// loop with the receiver; run.ts talks to it over the IPC channel.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Topics } from '@sp/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Webhook } from 'standardwebhooks';

const topic = Topics.referralLifecycle.name;

export interface BareEndpoint {
  url: string;
  path: string;
  webhook: Webhook;
}

/** What the forked process is given (BENCH_BARE_CONFIG, JSON). */
export interface BareConfig {
  brokers: string[];
  groupId: string;
  concurrency: number;
  /** Organisation id -> its endpoint (url, receiver path, whsec_ secret). */
  endpoints: Record<string, { url: string; path: string; secret: string }>;
}

type ToParent = { ready: true } | { firstConsumedAt: number } | { stopped: true; failures: number };
type ToChild = 'reset' | 'stop';

/** A counting semaphore: at most `limit` tasks at once. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

/** Commits the group at the end of every partition, so it reads only what is produced next. */
export async function startGroupAtEnd(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // A fresh broker may still be electing leaders: retry its retriable answers for a while.
    for (let attempt = 1; ; attempt += 1) {
      try {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId,
          topic,
          partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
        });
        return;
      } catch (error) {
        if (attempt >= 60 || (error as { retriable?: boolean }).retriable !== true) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

export interface BareConsumer {
  /** When the first record was handed to the consumer (ms since the epoch); 0 before. */
  firstConsumedAt(): number;
  /** Forgets the first record seen (at the start of a phase). */
  resetFirstConsumed(): void;
  failures(): number;
  stop(): Promise<void>;
}

async function runBareConsumer(
  kafka: Kafka,
  groupId: string,
  endpointOf: (organisationId: string) => BareEndpoint | undefined,
  concurrency: number,
): Promise<BareConsumer> {
  await startGroupAtEnd(kafka, groupId);
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const limit = limiter(concurrency);
  let firstAt = 0;
  let failures = 0;

  const deliver = async (eventId: string, type: string, value: Buffer): Promise<void> => {
    const data = JSON.parse(value.toString('utf8')) as {
      referralId: string;
      ownerOrganisationId?: string;
      status?: string;
      occurredAt: string;
    };
    const endpoint = data.ownerOrganisationId ? endpointOf(data.ownerOrganisationId) : undefined;
    if (!endpoint) return;
    const body = JSON.stringify({
      type,
      timestamp: data.occurredAt,
      data: { referralId: data.referralId, eventId, ...(data.status ? { status: data.status } : {}) },
    });
    const id = 'msg_' + createHash('sha256').update(`${eventId}|${endpoint.path}`).digest('hex').slice(0, 32);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const now = new Date();
        const response = await fetch(endpoint.url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(10_000),
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': endpoint.webhook.sign(id, now, body),
          },
          body,
        });
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        // retried below
      }
      failures += 1;
      if (attempt >= 5) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  await consumer.run({
    partitionsConsumedConcurrently: Topics.referralLifecycle.partitions,
    eachBatch: async ({ batch }) => {
      firstAt = firstAt || Date.now();
      await Promise.all(
        batch.messages.map((m) =>
          limit(() => {
            const header = (name: string) => m.headers?.[name]?.toString() ?? '';
            // The event name from the CloudEvents type, e.g. sp.referrals.referral.submitted.v1
            const kind = /(referral\.[a-z-]+)\.v\d+$/.exec(header('ce_type'))?.[1] ?? header('ce_type');
            return m.value ? deliver(header('ce_id'), kind, m.value) : Promise.resolve();
          }),
        ),
      );
    },
  });
  return {
    firstConsumedAt: () => firstAt,
    resetFirstConsumed: () => (firstAt = 0),
    failures: () => failures,
    stop: () => consumer.disconnect(),
  };
}

/** The parent's handle on the forked bare consumer. */
export interface BareProcess {
  child: ChildProcess;
  /** When the first record of the current phase was consumed (ms since the epoch; 0 before). */
  firstConsumedAt(): number;
  resetFirstConsumed(): void;
  /** Stops the consumer and the process; the number of failed POSTs it retried. */
  stop(): Promise<number>;
}

/** Forks this file as the bare consumer and waits until it is consuming. */
export async function forkBare(config: BareConfig): Promise<BareProcess> {
  const child = fork(__filename, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_BARE_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let first = 0;
  let onStopped: (failures: number) => void = () => undefined;
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare consumer exited with ${code}`)));
    child.on('message', (m: ToParent) => {
      if ('ready' in m) resolve();
      else if ('firstConsumedAt' in m) first = first || m.firstConsumedAt;
      else onStopped(m.failures);
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    firstConsumedAt: () => first,
    resetFirstConsumed: () => {
      first = 0;
      child.send('reset' satisfies ToChild);
    },
    stop: async () => {
      const failures = new Promise<number>((resolve) => (onStopped = resolve));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop' satisfies ToChild);
      const n = await failures;
      await exited;
      return n;
    },
  };
}

async function childMain(): Promise<void> {
  const config = JSON.parse(process.env['BENCH_BARE_CONFIG'] ?? '{}') as BareConfig;
  const send = (m: ToParent) => process.send?.(m);
  const kafka = new Kafka({ clientId: 'bench-bare', brokers: config.brokers, logLevel: logLevel.NOTHING });
  const endpoints = new Map(
    Object.entries(config.endpoints).map(([id, e]) => [id, { ...e, webhook: new Webhook(e.secret) }]),
  );
  const bare = await runBareConsumer(kafka, config.groupId, (id) => endpoints.get(id), config.concurrency);
  let reported = false;
  const timer = setInterval(() => {
    const at = bare.firstConsumedAt();
    if (at && !reported) {
      reported = true;
      send({ firstConsumedAt: at });
    }
  }, 5);
  process.on('message', (m: ToChild) => {
    if (m === 'reset') {
      bare.resetFirstConsumed();
      reported = false;
    } else {
      clearInterval(timer);
      void bare.stop().then(() => {
        send({ stopped: true, failures: bare.failures() });
        process.disconnect();
      });
    }
  });
  send({ ready: true });
}

if (require.main === module) {
  childMain().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
