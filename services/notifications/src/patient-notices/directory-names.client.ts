import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';

const TIMEOUT_MS = 5000;

/**
 * Service and organisation names for patient messages, from the public HSDS directory (names
 * are public; nothing about the patient is sent). A name that cannot be read falls back to a
 * generic wording rather than holding the message.
 */
@Injectable()
export class DirectoryNamesClient {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: Pick<ServiceConfig, 'DIRECTORY_URL'>) {}

  async serviceName(serviceId: string | undefined): Promise<string | undefined> {
    if (!serviceId) return undefined;
    return (await this.read(`/hsds/services/${encodeURIComponent(serviceId)}`))?.name;
  }

  async organisationName(organisationId: string | undefined): Promise<string | undefined> {
    if (!organisationId) return undefined;
    return (await this.read(`/hsds/organizations/${encodeURIComponent(organisationId)}`))?.name;
  }

  private async read(path: string): Promise<{ name?: string } | undefined> {
    try {
      const response = await fetch(`${this.config.DIRECTORY_URL.replace(/\/+$/, '')}${path}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) return undefined;
      const body = (await response.json()) as { name?: unknown };
      return typeof body.name === 'string' && body.name.length > 0 ? { name: body.name } : undefined;
    } catch {
      return undefined;
    }
  }
}
