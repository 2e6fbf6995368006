// Helpers of the closed-loop notifications end-to-end test: what the local platform's mail sink
// (Mailpit) and fake GOV.UK Notify received, and a partner system's webhook receiver on loopback.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Redis from 'ioredis';

/** Mailpit and the fake Notify of infra/local/platform.sh. */
export const localPlatform = {
  smtpUrl: `smtp://127.0.0.1:${process.env['SP_SMTP_PORT'] ?? '1025'}`,
  mailpitUrl: `http://127.0.0.1:${process.env['SP_MAILPIT_PORT'] ?? '8025'}`,
  notifyUrl: `http://127.0.0.1:${process.env['SP_NOTIFY_FAKE_PORT'] ?? '8097'}`,
};

export interface MailpitMessage {
  ID: string;
  Subject: string;
  Text: string;
  HTML: string;
  From: { Address: string };
  To: Array<{ Address: string }>;
}

/**
 * Every message from `from` to `to` (exact addresses), in full, newest first. Other notifications
 * instances running at the same time read the same topics: the run's own sender address tells its
 * messages apart.
 */
export async function mailBetween(from: string, to: string): Promise<MailpitMessage[]> {
  const query = encodeURIComponent(`to:"${to}" from:"${from}"`);
  const response = await fetch(`${localPlatform.mailpitUrl}/api/v1/search?query=${query}`);
  if (response.status !== 200) throw new Error(`Mailpit search answered ${response.status}`);
  const { messages } = (await response.json()) as {
    messages: Array<Pick<MailpitMessage, 'ID' | 'To' | 'From'>>;
  };
  const exact = messages.filter(
    (m) =>
      m.From.Address.toLowerCase() === from.toLowerCase() &&
      m.To.some((t) => t.Address.toLowerCase() === to.toLowerCase()),
  );
  return Promise.all(
    exact.map(async (m) => {
      const full = await fetch(`${localPlatform.mailpitUrl}/api/v1/message/${m.ID}`);
      if (full.status !== 200) throw new Error(`Mailpit message answered ${full.status}`);
      return (await full.json()) as MailpitMessage;
    }),
  );
}

/** A message the fake Notify accepted (GET /_fake/requests). */
export interface NotifyFakeMessage {
  id: string;
  type: 'sms' | 'email';
  request: {
    template_id: string;
    phone_number?: string;
    personalisation?: Record<string, string>;
    reference?: string;
  };
  recipient: string;
  content: { body: string };
}

/** The messages the fake Notify accepted with a reference (our notice id). */
export async function notifyMessages(reference: string): Promise<NotifyFakeMessage[]> {
  const response = await fetch(
    `${localPlatform.notifyUrl}/_fake/requests?${new URLSearchParams({ reference })}`,
  );
  if (response.status !== 200) throw new Error(`fake Notify answered ${response.status}`);
  return (await response.json()) as NotifyFakeMessage[];
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  body: string;
}

/** A partner system's receiver (node:http on loopback) that records every request and answers 204. */
export interface PartnerReceiver {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startPartnerReceiver(): Promise<PartnerReceiver> {
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.statusCode = 204;
      res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Deletes every Redis key of a run's queues (`<prefix>*`: jobs, job schedulers such as the daily
 * digest), once its services have stopped, so repeated runs leave nothing behind.
 */
export async function removeRunQueues(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}
