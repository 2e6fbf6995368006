import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from '../principal';

export const IS_PUBLIC_KEY = 'sp:identity:public';
export const ROLES_KEY = 'sp:identity:roles';

/** The route needs no token (health, metrics, JWKS, the token endpoint itself). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** Only these roles may call the route (method-level wins over class-level). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Where the guard leaves the verified caller on the request. */
export interface RequestWithPrincipal {
  principal?: Principal;
}

/** The verified caller; undefined only on @Public() routes. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal,
);
