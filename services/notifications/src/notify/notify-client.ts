import { Inject, Injectable } from '@nestjs/common';
import { NotifyClient as OfficialNotifyClient } from 'notifications-node-client';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import {
  NotifyError,
  NotifyErrorCodes,
  notifyErrorFrom,
  type NotifyApiError,
  type NotifyFailure,
} from './domain/notify-errors';

export { NotifyError, NotifyErrorCodes, isNotifyError } from './domain/notify-errors';

export interface NotifyEmailRequest {
  templateId: string;
  emailAddress: string;
  personalisation: Record<string, string>;
  /** Our reference (a notice id): shown in Notify's dashboards and echoed in delivery receipts. Never patient data. */
  reference: string;
}

export interface NotifySmsRequest {
  templateId: string;
  phoneNumber: string;
  personalisation: Record<string, string>;
  reference: string;
}

type NotifyConfig = Pick<
  ServiceConfig,
  'NOTIFY_API_KEY' | 'NOTIFY_BASE_URL' | 'NOTIFY_TEMPLATES' | 'NOTIFY_TIMEOUT_MS'
>;
type RestClient = Parameters<OfficialNotifyClient['setClient']>[0];

/**
 * GOV.UK Notify through its official client (`notifications-node-client`): sends one email or
 * text message and answers Notify's notification id (kept as the ledger's provider reference, so
 * a delivery receipt finds its notification). Failures become NotifyError with a stable code;
 * `retriable` (429, 5xx, timeout, no connection) says whether a later attempt may succeed.
 */
@Injectable()
export class NotifyClient {
  private readonly client: OfficialNotifyClient;
  private readonly templates: Record<string, string>;

  constructor(@Inject(SERVICE_CONFIG) config: NotifyConfig) {
    this.client = new OfficialNotifyClient(config.NOTIFY_BASE_URL.replace(/\/+$/, ''), config.NOTIFY_API_KEY);
    // The client calls axios with no timeout; a Notify that hangs must not hold a job forever.
    const apiClient = (
      this.client as unknown as { apiClient: { restClient: (o: object) => Promise<unknown> } }
    ).apiClient;
    const request = apiClient.restClient;
    this.client.setClient(((options: object) =>
      request({ ...options, timeout: config.NOTIFY_TIMEOUT_MS })) as unknown as RestClient);
    this.templates = parseTemplates(config.NOTIFY_TEMPLATES);
  }

  /** Notify's template id for one of our template names (NOTIFY_TEMPLATES). */
  templateId(name: string): string {
    const id = this.templates[name];
    if (!id) {
      throw new NotifyError(
        NotifyErrorCodes.TEMPLATE_UNKNOWN,
        `No Notify template configured for '${name}'`,
        {
          retriable: false,
        },
      );
    }
    return id;
  }

  hasTemplate(name: string): boolean {
    return this.templates[name] !== undefined;
  }

  /** Sends one email; answers Notify's notification id. */
  async sendEmail(request: NotifyEmailRequest): Promise<string> {
    return this.call(() =>
      this.client.sendEmail(request.templateId, request.emailAddress, {
        personalisation: request.personalisation,
        reference: request.reference,
      }),
    );
  }

  /** Sends one text message; answers Notify's notification id. */
  async sendSms(request: NotifySmsRequest): Promise<string> {
    return this.call(() =>
      this.client.sendSms(request.templateId, request.phoneNumber, {
        personalisation: request.personalisation,
        reference: request.reference,
      }),
    );
  }

  private async call(send: () => Promise<{ data: { id: string } }>): Promise<string> {
    try {
      const response = await send();
      return response.data.id;
    } catch (error) {
      throw notifyErrorFrom(failureOf(error));
    }
  }
}

/** What an axios error (the official client's) says: Notify's answer, or the network failure. */
export function failureOf(error: unknown): NotifyFailure {
  const e = error as {
    response?: { status?: number; data?: { errors?: NotifyApiError[] } };
    code?: string;
  };
  if (e?.response?.status) {
    const errors = Array.isArray(e.response.data?.errors) ? e.response.data.errors : [];
    return { kind: 'http', status: e.response.status, errors };
  }
  return { kind: 'network', code: typeof e?.code === 'string' ? e.code : 'UNKNOWN' };
}

function parseTemplates(json: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(
      'NOTIFY_TEMPLATES is not JSON (expected an object of template name -> Notify template id)',
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('NOTIFY_TEMPLATES must be a JSON object of template name -> Notify template id');
  }
  const bad = Object.entries(parsed).filter(([, id]) => typeof id !== 'string' || id.length === 0);
  if (bad.length > 0)
    throw new Error(`NOTIFY_TEMPLATES: no template id for ${bad.map(([n]) => n).join(', ')}`);
  return parsed as Record<string, string>;
}
