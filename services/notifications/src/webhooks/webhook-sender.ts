import type { OutboundFailure, OutboundSender } from '@sp/outbound-http';

/** What one POST got: the response status, or why there was none. */
export interface SendResult {
  status?: number;
  error?: string;
  latencyMs: number;
}

/**
 * Webhooks' edge of the shared outbound sender (@sp/outbound-http: SSRF guard at check and connect
 * time, timeout, no redirect followed): POSTs one signed webhook and words a failure as the
 * attempt's recorded error.
 */
export class WebhookSender {
  constructor(private readonly sender: Pick<OutboundSender, 'post'>) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const outcome = await this.sender.post(url, body, { headers, contentType: 'application/json' });
    if (outcome.failure) return { error: webhookError(outcome.failure), latencyMs: outcome.latencyMs };
    return { status: outcome.status, latencyMs: outcome.latencyMs };
  }
}

/** The attempt's error: a refusal at connect time carries the webhooks' error code. */
export function webhookError(failure: OutboundFailure): string {
  if (failure.kind === 'refused' && failure.code !== undefined)
    return `WEBHOOK_TARGET_REFUSED: ${failure.message}`;
  return failure.message;
}
