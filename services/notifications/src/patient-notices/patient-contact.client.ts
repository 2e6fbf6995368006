import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@sp/errors';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import type { PatientContactFacts } from './domain/patient-notice-rules';

type Config = Pick<
  ServiceConfig,
  'REFERRALS_URL' | 'PLATFORM_TOKEN_URL' | 'PATIENT_NOTICES_CLIENT_ID' | 'PATIENT_NOTICES_CLIENT_SECRET'
>;

const TIMEOUT_MS = 10_000;

/**
 * Reads a patient's contact details from the referrals service's internal API at send time, with
 * this service's own client-credentials token (cached until shortly before it expires). The answer
 * lives only in the running job: never stored, queued, logged or published.
 */
@Injectable()
export class PatientContactClient {
  private token?: { value: string; until: number };

  constructor(@Inject(SERVICE_CONFIG) private readonly config: Config) {}

  get enabled(): boolean {
    return this.config.PATIENT_NOTICES_CLIENT_SECRET.length > 0;
  }

  async read(referralId: string): Promise<PatientContactFacts | undefined> {
    const url = `${this.config.REFERRALS_URL.replace(/\/+$/, '')}/internal/v1/referrals/${encodeURIComponent(referralId)}/patient-contact?purpose=patient-notification`;
    let response = await this.get(url, await this.accessToken());
    if (response.status === 401) {
      this.token = undefined; // rotated keys or an expired token: one fresh try
      response = await this.get(url, await this.accessToken());
    }
    if (response.status === 404) return undefined;
    if (!response.ok) {
      throw new DomainError(
        'PATIENT_CONTACT.UNAVAILABLE',
        `The referrals service answered ${response.status}`,
        {
          retriable: response.status >= 500 || response.status === 429,
        },
      );
    }
    const body = (await response.json()) as PatientContactFacts;
    return {
      ...(body.phone ? { phone: body.phone } : {}),
      ...(body.email ? { email: body.email } : {}),
      doNotContact: body.doNotContact === true,
      consent: body.consent,
    };
  }

  private get(url: string, token: string): Promise<Response> {
    return fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const response = await fetch(this.config.PLATFORM_TOKEN_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.config.PATIENT_NOTICES_CLIENT_ID,
        client_secret: this.config.PATIENT_NOTICES_CLIENT_SECRET,
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new DomainError('PATIENT_CONTACT.NO_TOKEN', `The token endpoint answered ${response.status}`, {
        retriable: response.status >= 500,
      });
    }
    const body = (await response.json()) as { access_token: string; expires_in?: number };
    const lifetime = Math.max(30, (body.expires_in ?? 300) - 60) * 1000;
    this.token = { value: body.access_token, until: Date.now() + lifetime };
    return body.access_token;
  }
}
