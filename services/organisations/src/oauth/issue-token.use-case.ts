import { Injectable } from '@nestjs/common';
import { DomainError } from '@sp/errors';
import { TokenIssuer } from '@sp/identity';
import { ApiClientRepository } from '../api-clients/api-client.repository';
import { HsdsStoreRepository } from '../hsds/hsds-store.repository';
import { verifyClientSecret } from './client-secret';
import type { TokenRequest } from './token-request';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Client credentials grant: authenticates the client and issues a short-lived JWT naming its organisation and role. */
@Injectable()
export class IssueTokenUseCase {
  constructor(
    private readonly clients: ApiClientRepository,
    private readonly directory: HsdsStoreRepository,
    private readonly issuer: TokenIssuer,
  ) {}

  async execute(request: TokenRequest): Promise<TokenResponse> {
    const client = await this.clients.findActive(request.clientId);
    // Same answer for unknown client and wrong secret: no client enumeration.
    if (!client || !(await verifyClientSecret(request.clientSecret, client.secretHash))) {
      throw new DomainError('OAUTH.INVALID_CLIENT', 'Client authentication failed', {
        status: 401,
        retriable: false,
      });
    }
    // A commissioner (an ICB or PCN funding the service) is not a directory organisation: its
    // client's organisation id names it only in tokens, and revoking the client is how it is shut out.
    const organisation =
      client.role === 'commissioner'
        ? null
        : await this.directory.find('organizations', client.organisationId);
    if (
      client.role !== 'commissioner' &&
      (!organisation || (organisation.sp?.status ?? 'active') !== 'active')
    ) {
      throw new DomainError('OAUTH.INVALID_CLIENT', 'The client organisation is not active', {
        status: 401,
        retriable: false,
      });
    }
    const allowed: string[] = [client.role, ...(client.scopes ?? [])];
    const requested = request.scope?.split(' ').filter(Boolean) ?? allowed;
    const refused = requested.filter((scope) => !allowed.includes(scope));
    if (refused.length > 0) {
      throw new DomainError('OAUTH.INVALID_SCOPE', `Scope not granted to this client: ${refused.join(' ')}`, {
        status: 400,
        problems: [{ field: 'scope', code: 'invalid_scope', message: `allowed: ${allowed.join(' ')}` }],
        retriable: false,
      });
    }
    const scopes = requested;
    const token = await this.issuer.issue({
      clientId: client._id,
      organisationId: client.organisationId,
      ...(organisation?.sp?.odsCode ? { odsCode: organisation.sp.odsCode } : {}),
      role: client.role,
      scopes,
    });
    return { ...token, scope: scopes.join(' ') };
  }
}
