export {
  ROLES,
  EXPLICIT_GRANT_ROLES,
  TEAM_ROLES,
  isRole,
  isTeamRole,
  isExplicitGrantRole,
  assertSameOrganisation,
} from './principal';
export type {
  Role,
  ExplicitGrantRole,
  OperationalRole,
  OperationalPrincipal,
  Principal,
  Person,
  TeamRole,
} from './principal';
export { TokenIssuer, TOKEN_ALG, ACCESS_TOKEN_TYP } from './token-issuer';
export type { TokenIssuerOptions, IssuedToken } from './token-issuer';
export { TokenVerifier } from './token-verifier';
export type { TokenVerifierOptions } from './token-verifier';
export { Public, Roles, CurrentPrincipal, IS_PUBLIC_KEY, ROLES_KEY } from './nest/auth.decorators';
export type { RequestWithPrincipal } from './nest/auth.decorators';
export { AuthGuard } from './nest/auth.guard';
export { IdentityModule } from './nest/identity.module';
export type { IdentityModuleOptions, IdentityModuleAsyncOptions } from './nest/identity.module';
export type { JWK } from 'jose';
export {
  parseOidcIssuers,
  OidcIssuerSchema,
  OIDC_ALGORITHMS,
  OIDC_TOKEN_TYPES,
  DEFAULT_OIDC_ALGORITHMS,
} from './oidc/oidc-issuers.config';
export type {
  OidcIssuer,
  OidcIssuerInput,
  OidcAlgorithm,
  OidcTokenType,
  ClaimPath,
  ParseOidcIssuersOptions,
} from './oidc/oidc-issuers.config';
export { principalFromOidcClaims } from './oidc/oidc-claims';
export { AREA_KINDS, parseAreaScope, areasOf, areaScope, clientScopeProblems } from './area-scopes';
export type { Area, AreaKind } from './area-scopes';
