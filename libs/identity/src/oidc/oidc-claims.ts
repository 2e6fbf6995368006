import type { JWTPayload } from 'jose';
import { unauthenticated } from '../auth-errors';
import { isRole, type Person, type Principal, type Role } from '../principal';
import type { ClaimPath, OidcIssuer } from './oidc-issuers.config';

/** The value at a claim path (`["realm_access", "roles"]` walks into nested objects). */
export function claimAt(payload: JWTPayload, path: ClaimPath): unknown {
  let value: unknown = payload;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const named = (path: ClaimPath): string => `"${path.join('.')}"`;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A claim that may be one string or a list of strings (group and role claims often are lists). */
function values(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function roleOf(payload: JWTPayload, issuer: OidcIssuer): Role | 'missing' {
  if (issuer.role !== undefined) return issuer.role;
  const claimed = values(claimAt(payload, issuer.claims.role));
  if (claimed.length === 0) return 'missing';
  const roles = [...new Set(claimed.filter(isRole))];
  if (roles.length === 0) {
    throw unauthenticated(`Access token carries an unknown role in claim ${named(issuer.claims.role)}`);
  }
  if (roles.length > 1) {
    throw unauthenticated(
      `Access token claim ${named(issuer.claims.role)} names more than one platform role`,
    );
  }
  return roles[0] as Role;
}

/**
 * The caller behind a verified OIDC access token: the person (`sub`, issuer, display name, team
 * role), the portal application they signed in to (`client_id`, else `azp`), and their
 * organisation and platform role, read through the issuer's claim mapping (or fixed by it).
 * Refuses (401) a token that lacks what the platform needs, naming what is missing.
 */
export function principalFromOidcClaims(payload: JWTPayload, issuer: OidcIssuer): Principal {
  const sub = text(payload.sub);
  if (sub === undefined) throw unauthenticated('Access token is missing required claims');
  const clientId = text(payload['client_id']) ?? text(payload['azp']);
  if (clientId === undefined) {
    throw unauthenticated('Access token names no client (claim "client_id" or "azp")');
  }

  const organisationId = issuer.organisationId ?? text(claimAt(payload, issuer.claims.organisation));
  const role = roleOf(payload, issuer);
  const missing: string[] = [];
  if (organisationId === undefined)
    missing.push(`the organisation claim ${named(issuer.claims.organisation)}`);
  if (role === 'missing') missing.push(`the role claim ${named(issuer.claims.role)}`);
  if (organisationId === undefined || role === 'missing') {
    throw unauthenticated(`Access token is missing ${missing.join(' and ')}`);
  }
  if (role === 'ops' && !issuer.allowOps) {
    throw unauthenticated('Access token claims the ops role, which this issuer may not grant');
  }
  // A commissioner's areas are scopes its API client was registered with and checked for; an
  // identity provider's `scope` claim is not, so no IdP may make a person a commissioner.
  if (role === 'commissioner') {
    throw unauthenticated('Access token claims the commissioner role, which no identity provider may grant');
  }

  const teamLead = values(claimAt(payload, issuer.claims.teamRole)).some((v) =>
    issuer.teamLeadValues.includes(v),
  );
  const name = text(claimAt(payload, issuer.claims.name));
  const odsCode = issuer.odsCode ?? text(claimAt(payload, issuer.claims.odsCode));
  const scope = payload['scope'];
  const person: Person = { sub, issuer: issuer.issuer, teamRole: teamLead ? 'team-lead' : 'worker' };
  if (name !== undefined) person.name = name;
  const principal: Principal = {
    clientId,
    organisationId,
    role,
    scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
    person,
  };
  if (odsCode !== undefined) principal.odsCode = odsCode;
  return principal;
}
