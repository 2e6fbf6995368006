import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { StopWaiting, waitFor } from '@sp/testing';

export const repoRoot = resolve(__dirname, '..', '..');

/**
 * Where the compiled services are run from: the repository, unless E2E_SERVICES_ROOT names a copy
 * laid out like it (dist/, tools/runtime/, node_modules/), e.g. a deliberately broken build to see
 * a test fail.
 */
const servicesRoot = process.env['E2E_SERVICES_ROOT'] ?? repoRoot;

export type ServiceName = 'referrals' | 'organisations' | 'notifications' | 'analytics';

/** A compiled service started as its own process, as scripts/start.sh starts it. */
export interface RunningService {
  name: ServiceName;
  port: number;
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs a compiled entry point of the repo (dist/...) with the workspace alias hook. */
export function runNode(entry: string, env: NodeJS.ProcessEnv, args: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, ['-r', './tools/runtime/register-aliases.js', entry, ...args], {
    cwd: servicesRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startService(name: ServiceName, env: NodeJS.ProcessEnv): Promise<RunningService> {
  const port = Number(env['PORT'] ?? (await freePort()));
  const child = runNode(`dist/services/${name}/src/main.js`, { ...env, PORT: String(port) });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null)
        throw new StopWaiting(`${name} exited with ${child.exitCode}:\n${output.slice(-4000)}`);
      try {
        const response = await fetch(`${url}/health/ready`);
        return response.status === 200;
      } catch {
        return false;
      }
    },
    { timeoutMs: 90_000, intervalMs: 250, description: `${name} ready on ${url}` },
  );
  return {
    name,
    port,
    url,
    process: child,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs a compiled command (with its arguments) to completion. */
export async function runToCompletion(
  entry: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
): Promise<{ code: number | null; output: string }> {
  const child = runNode(entry, env, args);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolveExit) => child.on('exit', (c) => resolveExit(c)));
  return { code, output };
}
