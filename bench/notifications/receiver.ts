// The webhook receiver of the fan-out benchmark: one node:http server, one path per endpoint, that
// verifies every request's Standard Webhooks signature with that endpoint's secret (the
// `standardwebhooks` package a partner would use), answers 204 and records when each webhook-id
// first arrived. A phase's tally says whether every expected event reached the right endpoint
// exactly once, with a valid signature, and how long after its production.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Expectation {
  /** The endpoint path the event must reach. */
  path: string;
}

export class Tally {
  /** webhook-id -> arrival time (ms since epoch) of its first delivery. */
  readonly arrivals = new Map<string, number>();
  /** eventId -> the webhook-id it first arrived with. */
  readonly events = new Map<string, string>();
  /** Latency of each first delivery: receiver's 2xx minus the event's occurredAt (ms). */
  readonly latencies: number[] = [];
  /** The same webhook-id again (a retry or redelivery the receiver must dedupe). */
  duplicates = 0;
  /** The same event again under another webhook-id (could not be deduped: a real double delivery). */
  doubleEvents = 0;
  badSignatures = 0;
  /** An expected event at another endpoint than its organisation's. */
  wrongEndpoint = 0;
  /** An event this phase did not produce (e.g. a late delivery of an earlier phase). */
  unexpected = 0;
  firstAt = 0;
  lastAt = 0;

  constructor(readonly expected: ReadonlyMap<string, Expectation>) {}

  /** Expected events delivered (once each, to the right endpoint). */
  get delivered(): number {
    return this.latencies.length;
  }

  get exact(): boolean {
    return (
      this.delivered === this.expected.size &&
      this.doubleEvents === 0 &&
      this.badSignatures === 0 &&
      this.wrongEndpoint === 0 &&
      this.unexpected === 0
    );
  }
}

interface Endpoint {
  webhook: Webhook;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export class WebhookReceiver {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly server: Server;
  private tally = new Tally(new Map());
  port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** An endpoint at `path`, verified with `secret` (whsec_...). */
  addEndpoint(path: string, secret: string): void {
    this.endpoints.set(path, { webhook: new Webhook(secret) });
  }

  /** Starts counting a phase: what it must receive, by event id. */
  begin(expected: ReadonlyMap<string, Expectation>): Tally {
    this.tally = new Tally(expected);
    return this.tally;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = req.url ?? '';
    const endpoint = this.endpoints.get(path);
    const t = this.tally;
    if (req.method !== 'POST' || !endpoint) {
      res.writeHead(404).end();
      return;
    }
    let payload: { timestamp?: string; data?: { eventId?: string } };
    try {
      payload = endpoint.webhook.verify(body, req.headers as Record<string, string>) as typeof payload;
    } catch {
      t.badSignatures += 1;
      res.writeHead(400).end();
      return;
    }
    const now = Date.now();
    const webhookId = String(req.headers['webhook-id']);
    if (t.arrivals.has(webhookId)) {
      t.duplicates += 1;
      res.writeHead(204).end();
      return;
    }
    t.arrivals.set(webhookId, now);
    const eventId = payload.data?.eventId ?? '';
    const expectation = t.expected.get(eventId);
    if (!expectation) t.unexpected += 1;
    else if (expectation.path !== path) t.wrongEndpoint += 1;
    else if (t.events.has(eventId)) t.doubleEvents += 1;
    else {
      t.events.set(eventId, webhookId);
      t.latencies.push(now - Date.parse(payload.timestamp ?? ''));
      t.firstAt = t.firstAt || now;
      t.lastAt = now;
    }
    res.writeHead(204).end();
  }
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
