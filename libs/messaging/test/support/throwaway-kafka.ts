// A single-node KRaft broker of a test's own, on free ports with its state in a temp dir, so a
// test can kill and restart "the broker" without disturbing the shared one on 9092 (other suites
// run against it at the same time). Same jars and the same essentials as
// infra/local/platform.sh (write_kafka_conf), minimal settings duplicated here on purpose.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StopWaiting, waitFor } from '@sp/testing';
import { Kafka, logLevel } from 'kafkajs';

const KAFKA_VERSION = '3.9.1';

export function kafkaLibsDir(): string {
  return join(
    process.env['SP_INFRA_CACHE'] ?? join(homedir(), '.cache', 'sp-infra'),
    `kafka-libs-${KAFKA_VERSION}`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${stderr}`)),
    );
  });
}

export class ThrowawayKafka {
  private process: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly controllerPort: number,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** Formats storage in a fresh temp dir and starts the broker; resolves once it answers. */
  static async start(): Promise<ThrowawayKafka> {
    const libs = kafkaLibsDir();
    if (!existsSync(join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
      throw new Error(
        `Kafka jars not found in ${libs}: run \`bash infra/local/platform.sh provision\` first`,
      );
    }
    const broker = new ThrowawayKafka(
      mkdtempSync(join(tmpdir(), 'sp-throwaway-kafka-')),
      await freePort(),
      await freePort(),
    );
    broker.writeConfig();
    const clusterId = kraftClusterId();
    await run('java', [
      '-Xmx256m',
      `-Dlog4j.configuration=file:${join(broker.dir, 'log4j.properties')}`,
      '-cp',
      `${libs}/*`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      join(broker.dir, 'server.properties'),
    ]);
    await broker.startProcess();
    return broker;
  }

  private writeConfig(): void {
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    writeFileSync(
      join(this.dir, 'server.properties'),
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${this.controllerPort}`,
        `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port}`,
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        `log.dirs=${join(this.dir, 'data')}`,
        'auto.create.topics.enable=false',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=3',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'min.insync.replicas=1',
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(this.dir, 'log4j.properties'),
      [
        'log4j.rootLogger=WARN, file',
        'log4j.appender.file=org.apache.log4j.FileAppender',
        `log4j.appender.file.File=${join(this.dir, 'kafka.log')}`,
        'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
        '',
      ].join('\n'),
    );
  }

  private async startProcess(): Promise<void> {
    const child = spawn(
      'java',
      [
        '-Xms256m',
        '-Xmx512m',
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${join(this.dir, 'log4j.properties')}`,
        `-Dkafka.logs.dir=${this.dir}`,
        '-cp',
        `${kafkaLibsDir()}/*`,
        'kafka.Kafka',
        join(this.dir, 'server.properties'),
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    let exited = false;
    child.once('exit', () => (exited = true));
    const admin = new Kafka({
      clientId: 'throwaway-probe',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    try {
      await waitFor(
        async () => {
          if (exited)
            throw new StopWaiting(`throwaway broker exited during start; see ${join(this.dir, 'kafka.log')}`);
          await admin.connect();
          const cluster = await admin.describeCluster();
          return cluster.brokers.length > 0;
        },
        { timeoutMs: 90_000, intervalMs: 250, description: `throwaway Kafka on ${this.port}` },
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Kills the broker (SIGKILL: no clean shutdown) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }

  /** Starts the broker again on the same ports and data. */
  async restart(): Promise<void> {
    await this.kill();
    await this.startProcess();
  }

  /** Kills the broker and deletes its state. */
  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding. Like Kafka's own
 * `Uuid.randomUuid`, never one that starts with '-': the storage tool's argument parser would read
 * it as an option (`--cluster-id/-t: expected one argument`), which failed 1 start in 64.
 */
export function kraftClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
