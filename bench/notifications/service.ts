// The notifications service under the fan-out benchmark: the COMPILED service (dist/, as
// bench/consumers runs it) as its own process with its own database, consumer group and queue
// prefix, trusting the bench's own token issuer (a JWKS server in the bench process), with webhook
// settings for a loopback http receiver and a fast retry schedule. Its endpoints are created
// through its real API, one per organisation, each by that organisation's own token.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { TokenIssuer } from '@sp/identity';
import { waitFor } from '@sp/testing';

const repoRoot = resolve(__dirname, '..', '..');
const ISSUER = 'http://bench-notifications.local';
const AUDIENCE = 'social-prescribing';

async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The bench's token issuer and the JWKS server the service reads its keys from. */
export class BenchIdentity {
  private constructor(
    private readonly issuer: TokenIssuer,
    private readonly jwks: Server,
  ) {}

  static async start(): Promise<BenchIdentity> {
    const keys = await TokenIssuer.generateKeyPair();
    const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: ISSUER, audience: AUDIENCE });
    const jwks = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(issuer.jwks()));
    });
    await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done));
    return new BenchIdentity(issuer, jwks);
  }

  get env(): NodeJS.ProcessEnv {
    return {
      JWKS_URL: `http://127.0.0.1:${(this.jwks.address() as AddressInfo).port}/jwks`,
      TOKEN_ISSUER: ISSUER,
      TOKEN_AUDIENCE: AUDIENCE,
    };
  }

  /** A provider organisation's machine token. */
  async tokenFor(organisationId: string): Promise<string> {
    return (
      await this.issuer.issue({
        clientId: `bench-${organisationId}`,
        organisationId,
        role: 'provider',
        scopes: [],
      })
    ).access_token;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => this.jwks.close(() => done()));
  }
}

export interface RunningService {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts dist/services/notifications and waits for /health/ready (its consumer group joined). */
export async function startNotifications(
  env: NodeJS.ProcessEnv,
  nodeArgs: string[],
): Promise<RunningService> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '-r',
      './tools/runtime/register-aliases.js',
      join('dist/services/notifications/src/main.js'),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`notifications exited with ${code ?? signal}`);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null)
        throw new Error(`notifications exited with ${child.exitCode} before ready`);
      return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200;
    },
    { timeoutMs: 120_000, intervalMs: 100, description: 'notifications ready' },
  );
  return {
    child,
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.on('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** POST /v1/webhook-endpoints as the organisation: the endpoint's id and its signing secret. */
export async function createEndpoint(
  serviceUrl: string,
  token: string,
  url: string,
): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${serviceUrl}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, eventTypes: ['referral.submitted'], description: 'fan-out benchmark' }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /v1/webhook-endpoints: ${response.status} ${text}`);
  const body = JSON.parse(text) as { id?: string; secret?: string };
  if (!body.id || !body.secret)
    throw new Error(`POST /v1/webhook-endpoints answered no id or secret: ${text}`);
  return { id: body.id, secret: body.secret };
}
