// Closed-loop HTTP load generator: C clients, each sending its next request as soon as the previous
// answer arrives, over keep-alive connections (node:http, one socket per client). Kept lean because
// it shares the CPUs with the service, the database server, Kafka and Redis: bodies are built as
// strings, responses are drained without parsing (only the first few error bodies are kept), and a
// latency is one number pushed to an array.
import { Agent, request } from 'node:http';

export interface PreparedRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export interface LoadOptions {
  baseUrl: string;
  concurrency: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** The i-th request (i counts across warm-up and measurement). */
  next: (i: number) => PreparedRequest;
  /** Status codes counted as success. */
  ok: (status: number) => boolean;
  /** Called when the warm-up ends and measurement starts. */
  onMeasureStart?: () => void | Promise<void>;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  statuses: Record<string, number>;
  errorSamples: string[];
  /** The measured period in five equal slices: does throughput or latency drift as data grows? */
  timeline: Array<{ fromS: number; rps: number; p50Ms: number; p99Ms: number }>;
}

interface Answer {
  status: number;
  body?: string;
}

function send(agent: Agent, url: URL, req: PreparedRequest, keepBody: boolean): Promise<Answer> {
  return new Promise((resolve) => {
    const r = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: req.path,
        headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (!keepBody) {
          res.on('end', () => resolve({ status }));
          res.resume();
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status, body }));
      },
    );
    r.on('error', (err) => resolve({ status: 0, body: String(err) }));
    r.end(req.body);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Warm-up (not measured), then D seconds measured; requests still in flight at the end are not counted. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const url = new URL(opts.baseUrl);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: opts.concurrency,
    maxFreeSockets: opts.concurrency,
  });
  let i = 0;
  let measuring = false;
  let stopped = false;
  const latencies: number[] = [];
  const finishedAt: number[] = [];
  let measureStart = 0;
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  let errors = 0;

  async function client(): Promise<void> {
    while (!stopped) {
      const req = opts.next(i);
      i += 1;
      const start = performance.now();
      const answer = await send(agent, url, req, errorSamples.length < 5);
      const end = performance.now();
      if (!measuring || stopped) continue;
      const good = opts.ok(answer.status);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (!good) {
        errors += 1;
        if (errorSamples.length < 5)
          errorSamples.push(`${answer.status} ${(answer.body ?? '').slice(0, 400)}`);
      }
      latencies.push(end - start);
      finishedAt.push(end - measureStart);
    }
  }

  const clients = Array.from({ length: opts.concurrency }, () => client());
  await new Promise((r) => setTimeout(r, opts.warmupSeconds * 1000));
  await opts.onMeasureStart?.();
  measuring = true;
  const start = performance.now();
  measureStart = start;
  await new Promise((r) => setTimeout(r, opts.durationSeconds * 1000));
  stopped = true;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(clients);
  agent.destroy();

  const slices = 5;
  const sliceS = opts.durationSeconds / slices;
  const timeline = Array.from({ length: slices }, (_, k) => {
    const inSlice = latencies.filter((_, j) => {
      const t = (finishedAt[j] as number) / 1000;
      return t >= k * sliceS && (t < (k + 1) * sliceS || k === slices - 1);
    });
    const s = Float64Array.from(inSlice).sort();
    return {
      fromS: +(k * sliceS).toFixed(1),
      rps: Math.round(inSlice.length / sliceS),
      p50Ms: +percentile(s, 50).toFixed(1),
      p99Ms: +percentile(s, 99).toFixed(1),
    };
  });
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  const requests = latencies.length;
  return {
    requests,
    errors,
    seconds,
    rps: (requests - errors) / seconds,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : 0,
    meanMs: requests > 0 ? sum / requests : 0,
    statuses,
    errorSamples,
    timeline,
  };
}
