// A private, empty Kafka broker for the consumer benchmark: a fresh topic set with the platform's
// real topic names, so the backlog is exactly the benchmark's events and the shared broker's topics
// (which every test's fresh consumer group replays) are not grown by it. Started with
// infra/local/platform.sh under its own state directory and ports: the database and Redis of the
// running platform are reused as they are (platform.sh leaves another checkout's servers alone),
// and only this broker is stopped at the end.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface PrivateBroker {
  brokers: string[];
  stop(): Promise<void>;
}

const repoRoot = resolve(__dirname, '..', '..');

function platform(command: 'start' | 'stop', env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', [join(repoRoot, 'infra/local/platform.sh'), command], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolveRun(output)
        : reject(new Error(`platform.sh ${command} exited ${code}:\n${output}`)),
    );
  });
}

export async function startPrivateBroker(port: number): Promise<PrivateBroker> {
  const state = join(tmpdir(), `sp-bench-consumers-kafka-${port}`);
  await rm(state, { recursive: true, force: true });
  const env = {
    SP_INFRA_STATE: state,
    SP_KAFKA_PORT: String(port),
    SP_KAFKA_CONTROLLER_PORT: String(port + 1),
    // The broker's partner (SASL) listener, and the one component platform.sh starts per checkout
    // that cannot be shared by port: keep them off the running platform's ports.
    SP_KAFKA_SASL_PORT: String(port + 2),
    SP_NOTIFY_FAKE_PORT: String(port + 3),
  };
  const output = await platform('start', env);
  if (!output.includes(`kafka: starting`)) {
    // Something already served that port: not ours to benchmark on (nor to stop).
    await platform('stop', env).catch(() => undefined);
    throw new Error(`port ${port} already had a broker; choose another with BENCH_KAFKA_PORT\n${output}`);
  }
  return {
    brokers: [`127.0.0.1:${port}`],
    async stop() {
      await platform('stop', env);
      await rm(state, { recursive: true, force: true });
    },
  };
}
