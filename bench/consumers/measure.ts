// Measuring helpers shared by the consumer benchmarks (bench/consumers, bench/analytics): produce a
// backlog, consume it with bare kafkajs, start a compiled service and time its drain, read lag.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { waitFor } from '@sp/testing';
import { snapshot, usageBetween, type CpuUsage } from '../referrals/cpu';
import type { Backlog } from './backlog';

const repoRoot = resolve(__dirname, '..', '..');

export interface Drain {
  name: string;
  startSeconds: number;
  /** From the group joined (ready) until every effect was visible. */
  drainSeconds: number;
  /** From the group joined until the committed offsets reached the end of every partition. */
  lagZeroSeconds: number;
  eventsPerSecond: number;
  exact: boolean;
  detail: string;
  cpu: CpuUsage;
}

export async function produce(
  kafka: Kafka,
  topic: string,
  backlog: Pick<Backlog, 'messages'>,
): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = performance.now();
  for (let i = 0; i < backlog.messages.length; i += 1000) {
    await producer.send({ topic, acks: -1, messages: backlog.messages.slice(i, i + 1000) });
  }
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return seconds;
}

export async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Bare kafkajs: a fresh group reads every record and parses its JSON value. */
export async function bareConsume(
  kafka: Kafka,
  topic: string,
  expected: number,
  groupId: string,
): Promise<{ seconds: number; fromRunSeconds: number }> {
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let joinedAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt = joinedAt || performance.now()));
  let seen = 0;
  let lastAt = 0;
  const runAt = performance.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) JSON.parse(message.value.toString('utf8'));
      seen += 1;
      lastAt = performance.now();
    },
  });
  await waitFor(() => seen >= expected, { timeoutMs: 300_000, intervalMs: 50, description: 'bare consumer' });
  await consumer.disconnect();
  return { seconds: (lastAt - joinedAt) / 1000, fromRunSeconds: (lastAt - runAt) / 1000 };
}

export async function groupLag(kafka: Kafka, topic: string, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((lag, p) => lag + Number(p.high) - Math.max(0, done.get(p.partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

export function startService(name: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '-r', './tools/runtime/register-aliases.js', join('dist/services', name, 'src/main.js')],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`${name} exited with ${code ?? signal}`);
  });
  return child;
}

export async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.on('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Starts a fresh service and measures until `progress` reports every effect in place (and the
 * group's lag is 0), then asks `verify` whether the effects are exact.
 */
export async function drain(
  kafka: Kafka,
  service: { name: string; groupId: string; topic: string; nodeArgs?: string[] },
  env: NodeJS.ProcessEnv,
  total: number,
  progress: () => Promise<number>,
  verify: () => Promise<{ exact: boolean; detail: string }>,
): Promise<Drain> {
  const { name, groupId, topic } = service;
  const port = await freePort();
  const startedAt = performance.now();
  const child = startService(
    name,
    {
      ...env,
      PORT: String(port),
      KAFKA_GROUP_ID: groupId,
      LOG_LEVEL: 'warn',
    },
    service.nodeArgs,
  );
  try {
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200,
      { timeoutMs: 120_000, intervalMs: 100, description: `${name} ready` },
    );
    const readyAt = performance.now();
    const cpuFrom = snapshot({ [name]: child.pid, bench: process.pid });
    let doneAt = 0;
    let lagZeroAt = 0;
    await waitFor(
      async () => {
        if (!doneAt && (await progress()) >= total) doneAt = performance.now();
        if (!lagZeroAt && (await groupLag(kafka, topic, groupId)) === 0) lagZeroAt = performance.now();
        return doneAt > 0 && lagZeroAt > 0;
      },
      { timeoutMs: 15 * 60_000, intervalMs: 100, description: `${name} drained the backlog` },
    );
    const cpu = usageBetween(cpuFrom, snapshot({ [name]: child.pid, bench: process.pid }));
    const drainSeconds = (doneAt - readyAt) / 1000;
    return {
      name,
      startSeconds: (readyAt - startedAt) / 1000,
      drainSeconds,
      lagZeroSeconds: (lagZeroAt - readyAt) / 1000,
      eventsPerSecond: Math.round(total / drainSeconds),
      ...(await verify()),
      cpu,
    };
  } finally {
    await stopService(child);
  }
}
