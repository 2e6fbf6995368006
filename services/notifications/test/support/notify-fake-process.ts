// Starts the local fake GOV.UK Notify (infra/local/notify-fake/server.mjs) as its own process on a
// free port, so a test owns its received messages and rate limit; the same program the local
// platform runs on 127.0.0.1:8097.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '@sp/testing';

export const LOCAL_NOTIFY_SERVICE_ID = '4a6d1f3e-6b8a-4c59-9c1e-2f0d7b3a5e11';
export const LOCAL_NOTIFY_SECRET = 'b7c2e9d4-1f3a-4e8b-a6d5-9c0e2f4b7a13';
export const LOCAL_NOTIFY_KEY = `sp-local-${LOCAL_NOTIFY_SERVICE_ID}-${LOCAL_NOTIFY_SECRET}`;

/** A message the fake accepted (its inspection API: GET /_fake/requests). */
export interface FakeNotifyMessage {
  id: string;
  type: 'sms' | 'email';
  request: {
    template_id: string;
    phone_number?: string;
    email_address?: string;
    personalisation?: Record<string, string>;
    reference?: string;
  };
  recipient: string;
  content: { body: string; subject?: string };
  status: string;
}

export interface NotifyFake {
  baseUrl: string;
  messages(query?: Record<string, string>): Promise<FakeNotifyMessage[]>;
  /** Makes the fake send Notify's delivery receipt for a message to `url` with the bearer token. */
  receipt(id: string, body: { status: string; url: string; bearerToken: string }): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startNotifyFake(env: Record<string, string> = {}): Promise<NotifyFake> {
  const port = await freePort();
  const script = join(__dirname, '../../../../infra/local/notify-fake/server.mjs');
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: { ...process.env, SP_NOTIFY_FAKE_PORT: String(port), SP_NOTIFY_FAKE_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`fake Notify exited: ${output}`);
      const res = await fetch(`${baseUrl}/_fake/health`).catch(() => undefined);
      return res?.ok;
    },
    { timeoutMs: 10_000, description: 'fake Notify listening' },
  );
  return {
    baseUrl,
    async messages(query = {}) {
      const res = await fetch(`${baseUrl}/_fake/requests?${new URLSearchParams(query).toString()}`);
      return (await res.json()) as FakeNotifyMessage[];
    },
    async receipt(id, body) {
      const res = await fetch(`${baseUrl}/_fake/notifications/${id}/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { status: number };
      if (!res.ok) throw new Error(`fake Notify refused the receipt: ${JSON.stringify(answer)}`);
      return answer.status;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
