import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { TargetRefusedError, type TargetGuard } from './target-guard';

/**
 * Why a call got no HTTP status: refused by the SSRF guard (before the call, or at connect time),
 * cut off at the timeout, or a network error (connection refused, reset, TLS...).
 */
export interface OutboundFailure {
  kind: 'refused' | 'timeout' | 'network';
  /**
   * Network errors: the system error code (ECONNREFUSED...); a refusal at connect time:
   * OUTBOUND_TARGET_REFUSED (none when the check before the call refused it).
   */
  code?: string;
  message: string;
}

/** What one POST got: the response status (any, 3xx included), or why there was none. */
export type PostOutcome =
  | { status: number; failure?: undefined; latencyMs: number }
  | { status?: undefined; failure: OutboundFailure; latencyMs: number };

export interface PostOptions {
  headers?: Record<string, string>;
  /** Defaults to 'application/json'. */
  contentType?: string;
  /** Defaults to the sender's timeout. */
  timeoutMs?: number;
}

export interface OutboundSenderOptions {
  timeoutMs: number;
  userAgent?: string;
  /** Sockets per agent; 64 unless set. */
  maxSockets?: number;
}

/**
 * POSTs a body to a partner-supplied URL. The guard checks the URL and its addresses first, and
 * its lookup runs at connect time, so connections go only to addresses it allows. Redirects are
 * never followed (a 3xx comes back as the status, for the caller to count as a failure); the whole
 * call (connect, send, response headers) is cut off at the timeout. The answer's body is not read.
 */
export class OutboundSender {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly guard: TargetGuard,
    private readonly options: OutboundSenderOptions,
  ) {
    const maxSockets = options.maxSockets ?? 64;
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
  }

  async post(urlText: string, body: string, options: PostOptions = {}): Promise<PostOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const refused = await this.guard.check(urlText);
    if (refused.length > 0) {
      return {
        failure: { kind: 'refused', message: refused.map((p) => p.message).join('; ') },
        latencyMs: elapsed(),
      };
    }
    const url = new URL(urlText);
    const https = url.protocol === 'https:';
    const request: RequestOptions = {
      method: 'POST',
      headers: {
        ...options.headers,
        'content-type': options.contentType ?? 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        ...(this.options.userAgent ? { 'user-agent': this.options.userAgent } : {}),
      },
      agent: https ? this.httpsAgent : this.httpAgent,
      lookup: this.guard.lookup,
      signal: AbortSignal.timeout(timeoutMs),
    };
    return new Promise<PostOutcome>((resolve) => {
      const sent = (https ? httpsRequest : httpRequest)(url, request, (response) => {
        resolve({ status: response.statusCode ?? 0, latencyMs: elapsed() });
        response.destroy();
      });
      sent.on('error', (error: NodeJS.ErrnoException) => {
        resolve({ failure: classify(error, timeoutMs), latencyMs: elapsed() });
      });
      sent.end(body);
    });
  }

  onApplicationShutdown(): void {
    this.close();
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function classify(error: NodeJS.ErrnoException, timeoutMs: number): OutboundFailure {
  if (error.name === 'AbortError' || error.name === 'TimeoutError')
    return { kind: 'timeout', message: `timed out after ${timeoutMs} ms` };
  if (error instanceof TargetRefusedError)
    return { kind: 'refused', code: error.code, message: error.message };
  const code = error.code ?? error.name;
  return { kind: 'network', code, message: `${code}: ${error.message}` };
}
