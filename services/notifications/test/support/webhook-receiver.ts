// A real HTTP receiver for webhook tests (node:http on loopback): records every request with its
// raw body and headers, answers as the test says (a status, or never: a hanging receiver).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What to answer a request: a status code, or 'hang' (never answer). */
export type Answer = number | 'hang';

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  received: ReceivedWebhook[];
  /** Requests to one path. */
  at(path: string): ReceivedWebhook[];
  /** The most requests to one path that were open at the same time. */
  maxInFlight(path: string): number;
  /** How to answer requests to a path (default 200); a function gets the request number (1-based). */
  answer(path: string, answer: Answer | ((n: number) => Answer)): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers = new Map<string, Answer | ((n: number) => Answer)>();
  const sockets = new Set<Socket>();
  const inFlight = new Map<string, { now: number; max: number }>();
  const server: Server = createServer((req, res) => {
    const counter = inFlight.get(req.url ?? '/') ?? { now: 0, max: 0 };
    inFlight.set(req.url ?? '/', counter);
    counter.now += 1;
    counter.max = Math.max(counter.max, counter.now);
    res.on('close', () => (counter.now -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const rule = answers.get(path) ?? 200;
      const answer = typeof rule === 'function' ? rule(received.filter((r) => r.path === path).length) : rule;
      if (answer === 'hang') return; // never answers: the sender must cut it off
      res.statusCode = answer;
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
    at: (path) => received.filter((r) => r.path === path),
    maxInFlight: (path) => inFlight.get(path)?.max ?? 0,
    answer: (path, answer) => void answers.set(path, answer),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The three Standard Webhooks headers of a received request, as standardwebhooks' verify wants them. */
export function webhookHeaders(r: ReceivedWebhook): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id'] ?? ''),
    'webhook-timestamp': String(r.headers['webhook-timestamp'] ?? ''),
    'webhook-signature': String(r.headers['webhook-signature'] ?? ''),
  };
}
