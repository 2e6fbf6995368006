import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { OutboundSender, parseAllowedRanges, TargetGuard } from '@sp/outbound-http';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';

export type SendResult = { ok: true; status: number } | { ok: false; reason: string };

/**
 * POSTs a notification Bundle to a rest-hook endpoint through the shared outbound sender
 * (@sp/outbound-http): the SSRF guard on the URL and on every address its host resolves to,
 * before the POST and again at connect time (DNS rebinding cannot bypass it), the subscriber's
 * channel.header lines, a timeout, no redirects followed (a redirect could lead anywhere: it
 * counts as a failure, as does any answer but 2xx).
 */
@Injectable()
export class RestHookSender implements OnApplicationShutdown {
  private readonly sender: Pick<OutboundSender, 'post' | 'close'>;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    const guard = new TargetGuard({
      allowHttp: config.FHIR_SUBSCRIPTION_ALLOW_HTTP,
      allowedRanges: parseAllowedRanges(config.FHIR_SUBSCRIPTION_ALLOW_PRIVATE_TARGETS),
    });
    this.sender = new OutboundSender(guard, {
      timeoutMs: config.FHIR_SUBSCRIPTION_DEFAULT_TIMEOUT_SECONDS * 1000,
    });
  }

  async post(
    endpoint: string,
    headers: readonly string[],
    body: unknown,
    timeoutMs: number,
  ): Promise<SendResult> {
    const sent: Record<string, string> = {};
    for (const line of headers) {
      const i = line.indexOf(':');
      sent[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    const outcome = await this.sender.post(endpoint, JSON.stringify(body), {
      headers: sent,
      contentType: 'application/fhir+json',
      timeoutMs,
    });
    if (outcome.failure) {
      const reason =
        outcome.failure.kind === 'timeout' ? `no answer within ${timeoutMs} ms` : outcome.failure.message;
      return { ok: false, reason };
    }
    if (outcome.status >= 200 && outcome.status < 300) return { ok: true, status: outcome.status };
    return { ok: false, reason: `the endpoint answered ${outcome.status}` };
  }

  onApplicationShutdown(): void {
    this.sender.close();
  }
}
