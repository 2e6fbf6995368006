import { randomUUID } from 'node:crypto';
import type { Principal } from '@sp/identity';
import type { TargetGuard } from '@sp/outbound-http';
import { DEFAULT_OVERLAP_SECONDS, generateSecret, rotate } from '../domain/signing';
import type { SecretBox } from '../secret-box';
import { endpointNotFound } from '../webhook.errors';
import type { StoredSecret, WebhookEndpointDocument } from '../webhook-endpoint.entity';
import type { EndpointScope, WebhookEndpointRepository } from '../webhook-endpoint.repository';
import type { WebhookMessageRepository } from '../webhook-message.repository';
import {
  assertAcceptableEndpoint,
  type CreateEndpointRequest,
  type UpdateEndpointRequest,
} from './endpoint.request';

/** Whose endpoints a caller reads: operations any organisation's, everyone else their own. */
export function readScope(principal: Principal): EndpointScope {
  return principal.role === 'ops' ? { anyOrganisation: true } : { organisationId: principal.organisationId };
}

/** Writes are always to the caller's own organisation's endpoints. */
export function writeScope(principal: Principal): { organisationId: string } {
  return { organisationId: principal.organisationId };
}

/**
 * Endpoint management: create (the secret returned once), change, rotate the secret with an
 * overlap, delete. Every change is checked first (URL, SSRF guard, event kinds): a 422 changes
 * nothing. Another organisation's endpoint is not found.
 */
export class ManageEndpointsUseCase {
  constructor(
    private readonly endpoints: Pick<
      WebhookEndpointRepository,
      'insert' | 'find' | 'update' | 'replaceSecrets' | 'delete'
    >,
    private readonly messages: Pick<WebhookMessageRepository, 'deleteForEndpoint'>,
    private readonly guard: TargetGuard,
    private readonly box: Pick<SecretBox, 'seal'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(
    principal: Principal,
    body: CreateEndpointRequest,
  ): Promise<{ endpoint: WebhookEndpointDocument; secret: string }> {
    await assertAcceptableEndpoint(this.guard, body);
    const now = this.clock();
    const id = randomUUID();
    const secret = generateSecret();
    const endpoint: WebhookEndpointDocument = {
      _id: id,
      organisationId: principal.organisationId,
      url: body.url,
      eventTypes: body.eventTypes ?? [],
      ...(body.description !== undefined ? { description: body.description } : {}),
      enabled: true,
      secrets: [{ sealed: this.box.seal(secret, id), createdAt: now }],
      createdAt: now,
      updatedAt: now,
    };
    await this.endpoints.insert(endpoint);
    return { endpoint, secret };
  }

  async update(
    principal: Principal,
    id: string,
    body: UpdateEndpointRequest,
  ): Promise<WebhookEndpointDocument> {
    await this.mustExist(principal, id);
    await assertAcceptableEndpoint(this.guard, body);
    const updated = await this.endpoints.update(id, writeScope(principal), body, this.clock());
    if (!updated) throw endpointNotFound(id);
    return updated;
  }

  async rotateSecret(
    principal: Principal,
    id: string,
    overlapSeconds = DEFAULT_OVERLAP_SECONDS,
  ): Promise<{ endpoint: WebhookEndpointDocument; secret: string }> {
    const endpoint = await this.mustExist(principal, id);
    const now = this.clock();
    const secret = generateSecret();
    const fresh: StoredSecret = { sealed: this.box.seal(secret, id), createdAt: now };
    const secrets = rotate(endpoint.secrets, fresh, overlapSeconds, now);
    const updated = await this.endpoints.replaceSecrets(id, writeScope(principal), secrets, now);
    if (!updated) throw endpointNotFound(id);
    return { endpoint: updated, secret };
  }

  /** Deletes the endpoint and its messages and attempts; jobs still queued for it find nothing. */
  async delete(principal: Principal, id: string): Promise<void> {
    if (!(await this.endpoints.delete(id, writeScope(principal)))) throw endpointNotFound(id);
    await this.messages.deleteForEndpoint(id);
  }

  async get(principal: Principal, id: string): Promise<WebhookEndpointDocument> {
    const endpoint = await this.endpoints.find(id, readScope(principal));
    if (!endpoint) throw endpointNotFound(id);
    return endpoint;
  }

  private async mustExist(principal: Principal, id: string): Promise<WebhookEndpointDocument> {
    const endpoint = await this.endpoints.find(id, writeScope(principal));
    if (!endpoint) throw endpointNotFound(id);
    return endpoint;
  }
}
