import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCodes } from '@sp/errors';
import { isExplicitGrantRole, type Role } from '../principal';
import { TokenVerifier } from '../token-verifier';
import { IS_PUBLIC_KEY, ROLES_KEY, type RequestWithPrincipal } from './auth.decorators';

interface HttpRequest extends RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
}
interface HttpResponse {
  setHeader(name: string, value: string): unknown;
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i;

/**
 * Global guard: every HTTP route needs a valid bearer token unless marked @Public(); @Roles()
 * narrows who may call it. A route without @Roles() is open to every role except the
 * EXPLICIT_GRANT_ROLES (commissioner), which reach only routes that name them. Failures are DomainErrors, rendered by the service's problem filter.
 * Kafka handlers are not HTTP and are trusted transport-side, so they pass.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<HttpRequest>();
    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
    if (!match?.[1]) {
      // RFC 6750 3: no error code when the request carried no credentials at all.
      if (header === undefined)
        context.switchToHttp().getResponse<HttpResponse>().setHeader('WWW-Authenticate', 'Bearer');
      throw new DomainError(
        ErrorCodes.AUTH_UNAUTHENTICATED,
        header === undefined
          ? 'A bearer access token is required'
          : 'Authorization header must be "Bearer <token>"',
        { status: 401 },
      );
    }
    const principal = await this.verifier.verify(match[1]);
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if ((!roles || roles.length === 0) && isExplicitGrantRole(principal.role)) {
      throw new DomainError(
        ErrorCodes.AUTH_FORBIDDEN,
        `This operation is not open to the ${principal.role} role`,
        { status: 403 },
      );
    }
    if (roles && roles.length > 0 && !roles.includes(principal.role)) {
      throw new DomainError(
        ErrorCodes.AUTH_FORBIDDEN,
        `This operation needs one of the roles: ${roles.join(', ')}`,
        {
          status: 403,
        },
      );
    }
    return true;
  }
}
