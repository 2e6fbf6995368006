import { DomainError, ErrorCodes } from '@sp/errors';

export const ROLES = ['referrer', 'link-worker', 'provider', 'ops', 'commissioner'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles that reach only the routes naming them in @Roles(): a route without @Roles() is open to
 * every other role, never to these. A commissioner (an ICB or PCN funder, scoped to an area by
 * `area:*` scopes) reads analytics reports and nothing else: no referral, case record or directory
 * route lists it, so none of them lets it in, including any added later.
 */
export const EXPLICIT_GRANT_ROLES = ['commissioner'] as const satisfies readonly Role[];
export type ExplicitGrantRole = (typeof EXPLICIT_GRANT_ROLES)[number];

/** The roles that work with referrals, case records and the directory. */
export type OperationalRole = Exclude<Role, ExplicitGrantRole>;

/** A person's role within their organisation's team (link-worker team, VCS team). */
export const TEAM_ROLES = ['worker', 'team-lead'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/**
 * The human behind a request, when the token came from an organisation's identity provider
 * (OIDC) rather than from our client-credentials endpoint. Staff identity, not patient data.
 */
export interface Person {
  /** The identity provider's subject identifier (stable per person per issuer). */
  sub: string;
  /** The issuer that vouched for the person (`iss`). */
  issuer: string;
  /** Display name from the token, when the issuer sends one. */
  name?: string;
  teamRole: TeamRole;
}

/**
 * Who is calling: an API client acting for one organisation, with one role; for a person signed
 * in through their organisation's identity provider, also the person (clientId is then the
 * portal application the person signed in to: `azp` / `client_id`).
 */
export interface Principal {
  clientId: string;
  organisationId: string;
  odsCode?: string;
  role: Role;
  scopes: string[];
  person?: Person;
}

/**
 * The caller of a route whose @Roles() names only operational roles (every referrals route): the
 * AuthGuard has refused a commissioner before the handler runs, so the role is narrower.
 */
export type OperationalPrincipal = Principal & { role: OperationalRole };

export function isExplicitGrantRole(role: Role): role is ExplicitGrantRole {
  return (EXPLICIT_GRANT_ROLES as readonly Role[]).includes(role);
}

export function isTeamRole(value: unknown): value is TeamRole {
  return typeof value === 'string' && (TEAM_ROLES as readonly string[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Tenancy rule at the edge: a client may only act on its own organisation's data; ops may act on any.
 * Throws AUTH.FORBIDDEN (403) otherwise.
 */
export function assertSameOrganisation(principal: Principal, organisationId: string): void {
  if (principal.role === 'ops' || principal.organisationId === organisationId) return;
  throw new DomainError(ErrorCodes.AUTH_FORBIDDEN, 'This resource belongs to another organisation', {
    status: 403,
  });
}
