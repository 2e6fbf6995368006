import { lookup } from 'node:dns/promises';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../../service.config';
import {
  addressAllowed,
  endpointProblems,
  parseAllowedRanges,
  type EndpointPolicy,
} from '../domain/endpoint-guard';

export type SendResult = { ok: true; status: number } | { ok: false; reason: string };

/**
 * POSTs a notification Bundle to a rest-hook endpoint: the SSRF guard on the URL and on every
 * address its host resolves to, the subscriber's channel.header lines, a timeout, no redirects
 * followed (a redirect could lead anywhere: it counts as a failure).
 */
@Injectable()
export class RestHookSender {
  private readonly policy: EndpointPolicy;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.policy = {
      allowHttp: config.FHIR_SUBSCRIPTION_ALLOW_HTTP,
      allowedRanges: parseAllowedRanges(config.FHIR_SUBSCRIPTION_ALLOW_PRIVATE_TARGETS),
    };
  }

  async post(
    endpoint: string,
    headers: readonly string[],
    body: unknown,
    timeoutMs: number,
  ): Promise<SendResult> {
    const refused = endpointProblems(endpoint, this.policy);
    if (refused.length > 0) return { ok: false, reason: refused.join('; ') };
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    try {
      const addresses = await lookup(host, { all: true });
      const blocked = addresses.find((a) => !addressAllowed(a.address, this.policy));
      if (blocked)
        return { ok: false, reason: `${host} resolves to a non-public address (${blocked.address})` };
    } catch (err: unknown) {
      return { ok: false, reason: `cannot resolve ${host}: ${(err as Error).message}` };
    }
    const sent: Record<string, string> = {};
    for (const line of headers) {
      const i = line.indexOf(':');
      sent[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { ...sent, 'content-type': 'application/fhir+json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      return { ok: false, reason: `the endpoint answered ${res.status}` };
    } catch (err: unknown) {
      const e = err as Error;
      const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.message;
      return { ok: false, reason };
    }
  }
}
