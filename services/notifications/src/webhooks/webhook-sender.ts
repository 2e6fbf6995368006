import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TargetGuard } from './target-guard';

/** What one POST got: the response status, or why there was none. */
export interface SendResult {
  status?: number;
  error?: string;
  latencyMs: number;
}

/**
 * POSTs one signed webhook. Redirects are never followed (a 3xx is a failed attempt); the whole
 * attempt (connect, send, response headers) is cut off at `timeoutMs`; connections go only to
 * addresses the guard allows (its lookup runs at connect time). The body of the answer is not read.
 */
export class WebhookSender {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly guard: TargetGuard,
    private readonly timeoutMs: number,
  ) {}

  async post(urlText: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const refused = await this.guard.check(urlText);
    if (refused.length > 0) return { error: refused.map((p) => p.message).join('; '), latencyMs: elapsed() };
    const url = new URL(urlText);
    const https = url.protocol === 'https:';
    const options: RequestOptions = {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'social-prescribing-webhooks/1.0',
      },
      agent: https ? this.httpsAgent : this.httpAgent,
      lookup: this.guard.lookup,
      signal: AbortSignal.timeout(this.timeoutMs),
    };
    return new Promise<SendResult>((resolve) => {
      const request = (https ? httpsRequest : httpRequest)(url, options, (response) => {
        resolve({ status: response.statusCode, latencyMs: elapsed() });
        response.destroy();
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
        resolve({
          error: timedOut
            ? `timed out after ${this.timeoutMs} ms`
            : `${error.code ?? error.name}: ${error.message}`,
          latencyMs: elapsed(),
        });
      });
      request.end(body);
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
